import KubeModel
import Testing

@Test(arguments: [
    (NameRule.dnsLabel, "shop-1"), (.dnsSubdomain, "web.shop-1"), (.dnsSubdomain, "a.b-2.c"),
    (.dnsSubdomain, String(repeating: "a.", count: 126) + "a"), (.labelKey, "app.kubernetes.io/name"),
    (.labelKey, "App_Name.2"), (.labelValue, ""), (.labelValue, "Prod_1.x"), (.kind, "StatefulSet"),
])
func conformingNamesAreValid(rule: NameRule, value: String) {
    #expect(rule.check(value) == .valid)
}

@Test(arguments: [
    (NameRule.dnsLabel, "Shop"), (.dnsLabel, "shop.prod"), (.dnsLabel, String(repeating: "a", count: 64)),
    (.dnsSubdomain, "use_common_labels_same_values"), (.dnsSubdomain, "-web"), (.dnsSubdomain, "a..b"),
    (.dnsSubdomain, "a b"), (.dnsSubdomain, ""), (.dnsSubdomain, "web."), (.dnsSubdomain, ".web"),
    (.dnsSubdomain, String(repeating: "a.", count: 127)), (.dnsSubdomain, "ok." + String(repeating: "b", count: 64)),
    (.labelKey, "/name"), (.labelKey, "Bad_Prefix/name"),
    (.labelKey, "app/"), (.labelValue, "-x"), (.labelValue, String(repeating: "v", count: 64)), (.kind, "2Pods"),
])
func namesThatBreakOnlyTheRulesAreNonConformant(rule: NameRule, value: String) {
    guard case .nonConformant(let reason) = rule.check(value) else {
        Issue.record("\(value) should be non-conformant, not \(rule.check(value))")
        return
    }
    #expect(!reason.isEmpty)
}

@Test(arguments: ["web\u{1B}[2J", "a\nb", "tab\there", "x\u{7F}", "c1\u{9B}", "bidi\u{202E}", "zero\u{200B}width"])
func unprintableCharactersAreRejectedByEveryRule(value: String) {
    for rule in [NameRule.dnsLabel, .dnsSubdomain, .labelKey, .labelValue, .kind] {
        guard case .unprintable(let reason) = rule.check(value) else {
            Issue.record("\(rule): \(value.debugDescription) should be unprintable")
            continue
        }
        #expect(reason.hasPrefix("it holds the unprintable character U+"))
    }
}

@Test func ignoreAnnotationKeepsWhatItCannotRead() {
    let parsed = IgnoreAnnotation([
        IgnoreAnnotation.key: ":; host-network: node agent;: no id\n  \nhas space: x;egress-to-any-address"
    ])
    #expect(parsed.reasons == ["host-network": "node agent", "egress-to-any-address": "no reason given"])
    #expect(parsed.malformed == [":", ": no id", "has space: x"])
    #expect(IgnoreAnnotation([:]) == IgnoreAnnotation(["other": "x"]))
}
