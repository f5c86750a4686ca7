import KubeModel
import TestSupport
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

/// The rules written out from the Kubernetes validation regular expressions, for the random comparison below.
private func reference(_ rule: NameRule, _ value: String) -> Bool {
    func matches(_ text: Substring, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.wholeMatch(of: regex) != nil
    }
    let label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    let name = "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
    func subdomain(_ text: Substring) -> Bool { text.count <= 253 && matches(text, "\(label)(\\.\(label))*") }
    func qualified(_ text: Substring) -> Bool { text.count <= 63 && matches(text, name) }
    let text = Substring(value)
    switch rule {
    case .dnsLabel: return text.count <= 63 && matches(text, label)
    case .dnsSubdomain:
        return subdomain(text)
            && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.count <= 63 }
    case .labelKey:
        guard let slash = text.firstIndex(of: "/") else { return qualified(text) }
        let prefix = text[..<slash]
        return !prefix.isEmpty && subdomain(prefix)
            && prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.count <= 63 }
            && qualified(text[text.index(after: slash)...])
    case .labelValue: return text.isEmpty || qualified(text)
    case .kind: return matches(text, "[A-Za-z][A-Za-z0-9]*")
    }
}

@Test func everyRuleAgreesWithItsRegularExpressionOnRandomNames() {
    var random = SplitMix(state: 7)
    let pieces = ["a", "Z", "0", "9", "-", "_", ".", "/", "ab", "x-y", "é", " ", String(repeating: "k", count: 30)]
    for _ in 0..<4_000 {
        let value = (0..<random.count(0...8)).map { _ in random.pick(pieces) }.joined()
        for rule in [NameRule.dnsLabel, .dnsSubdomain, .labelKey, .labelValue, .kind] {
            #expect((rule.check(value) == .valid) == reference(rule, value), "\(rule) \(value)")
        }
    }
}
