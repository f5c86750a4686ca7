import Foundation
import KubeModel
import Manifests
import Testing

private func rules(_ text: String) throws(Diagnostic) -> RuleFile {
    try RulesLoader.load(bytes: Array(text.utf8), name: "rules.yaml")
}

private func rulesError(_ text: String) -> Diagnostic? {
    do {
        _ = try rules(text)
        return nil
    } catch {
        return error
    }
}

@Test func theExampleRulesFileLoads() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let file = try RulesLoader.load(root + "/examples/shop/rules.yaml")
    #expect(file.rules.count == 8)
    #expect(Set(file.rules.map(\.keyword)) == ["allow", "deny", "isolated", "default-deny"])
    #expect(file.rules[0].description == "Orders are stored in PostgreSQL; losing this path takes the shop down.")
}

@Test func everyRuleTypeAndPeerFormParses() throws {
    let file = try rules(
        """
        rules:
          - name: a
            deny:
              from: [frontend, frontend/web, "frontend/web[Deployment]", app=web, 10.0.0.0/8, any]
              to: {namespaceSelector: team=core, podSelector: "tier in (db,cache)"}
              ports: [5432/TCP, 8000-8080/tcp, 53/UDP, SCTP, 443]
          - name: b
            allow: {from: {namespace: backend}, to: {cidr: "2001:db8::/32"}}
          - name: c
            isolated: payments
            direction: egress
            except: [{to: kube-system, ports: [53/UDP]}]
          - name: d
            default-deny: db
            direction: ingress
          - name: e
            no-default-allow: all
          - name: f
            no-default-allow: monitoring
        """
    )
    #expect(
        file.rules.map(\.keyword) == [
            "deny", "allow", "isolated", "default-deny", "no-default-allow", "no-default-allow",
        ]
    )
    guard case .deny(let reach) = file.rules[0].assertion else {
        Issue.record("not a deny rule")
        return
    }
    #expect(reach.from.alternatives.count == 6)
    #expect(reach.from.alternatives[0] == .namespace("frontend"))
    #expect(reach.from.alternatives[1] == .endpoint(EndpointReference(namespace: "frontend", name: "web")))
    #expect(
        reach.from.alternatives[2]
            == .endpoint(EndpointReference(namespace: "frontend", name: "web", kind: "Deployment"))
    )
    #expect(reach.from.alternatives[3] == .selector(namespaces: nil, pods: LabelSelector(matchLabels: ["app": "web"])))
    #expect(reach.from.alternatives[5] == .any)
    #expect(
        reach.ports == [
            RulePort(.tcp, 5432...5432), RulePort(.tcp, 8000...8080), RulePort(.udp, 53...53), RulePort(.sctp),
            RulePort(.tcp, 443...443),
        ]
    )
    #expect(reach.from.location.description == "rules.yaml:4:13")
    guard case .isolated(let peer, let directions, let except) = file.rules[2].assertion else {
        Issue.record("not an isolated rule")
        return
    }
    #expect(peer.alternatives == [.namespace("payments")] && directions == [.egress] && except.count == 1)
    #expect(file.rules[4].assertion == .noDefaultAllow(namespace: nil))
}

@Test func aBareListOfRulesIsAccepted() throws {
    #expect(try rules("- name: x\n  default-deny: db\n").rules.count == 1)
}

@Test(
    arguments: [
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, port: [80]}\n", "3:26", "unknown key 'port' in rules[0].deny",
            "did you mean 'ports'?"
        ),
        (
            "rules:\n- name: a\n  denny: {from: a, to: b}\n", "3:3", "unknown key 'denny' in rules[0]",
            "did you mean 'deny'?"
        ),
        ("rules:\n- deny: {from: a, to: b}\n", "2:3", "rules[0] has no 'name'", "give every rule a name"),
        (
            "rules:\n- name: a\n  default-deny: db\n- name: a\n  default-deny: x\n", "4:9",
            "rule name 'a' is used twice (first at rules.yaml:2:3)", "unique"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b}\n  allow: {from: a, to: b}\n", "2:3",
            "rule 'a' has deny and allow; a rule checks one thing", "exactly one of"
        ),
        ("rules:\n- name: a\n", "2:3", "rule 'a' says nothing to check", "exactly one of"),
        ("rules:\n- name: a\n  deny: {from: a}\n", "3:9", "rules[0].deny needs both 'from' and 'to'", "any"),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [0]}\n", "3:34",
            "rules[0].deny.ports[0] 0 is out of range",
            "1 to 65535"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [70000/TCP]}\n", "3:34",
            "rules[0].deny.ports[0] 70000 is out of range", "1 to 65535"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [90-80/TCP]}\n", "3:34",
            "rules[0].deny.ports[0] '90-80/TCP' ends before it starts", "low-high"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [80/ICMP]}\n", "3:34",
            "unsupported protocol 'ICMP' in rules[0].deny.ports[0]", "TCP, UDP and SCTP"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [http]}\n", "3:34",
            "rules[0].deny.ports[0] 'http' is a named port; rules take port numbers", "number"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b, ports: [80:90]}\n", "3:34",
            "rules[0].deny.ports[0] '80:90' is not a port", "PORT/PROTOCOL"
        ),
        (
            "rules:\n- name: a\n  deny: {from: 10.0.0.0/33, to: b}\n", "3:16",
            "invalid CIDR '10.0.0.0/33' in rules[0].deny.from", "prefix length"
        ),
        (
            "rules:\n- name: a\n  deny: {from: 'app in prod', to: b}\n", "3:16",
            "rules[0].deny.from: invalid label selector 'app in prod'", "key=value"
        ),
        (
            "rules:\n- name: a\n  deny: {from: 'Frontend', to: b}\n", "3:16",
            "rules[0].deny.from 'Frontend' is not a namespace name", "{podSelector: Frontend}"
        ),
        (
            "rules:\n- name: a\n  deny: {from: {namespace: a, namespaceSelector: x=y}, to: b}\n", "3:16",
            "rules[0].deny.from has both 'namespace' and 'namespaceSelector'", "use one"
        ),
        (
            "rules:\n- name: a\n  deny: {from: {cidr: 10.0.0.0/8, namespace: a}, to: b}\n", "3:16",
            "rules[0].deny.from mixes 'cidr' with selectors", "separately"
        ),
        ("rules:\n- name: a\n  deny: {from: [], to: b}\n", "3:16", "rules[0].deny.from is an empty list", "any"),
        (
            "rules:\n- name: a\n  isolated: db\n  direction: sideways\n", "4:14",
            "rules[0].direction must be ingress, egress or both, found 'sideways'", nil
        ),
        (
            "rules:\n- name: a\n  isolated: db\n  direction: egress\n  except: [{from: x}]\n", "5:12",
            "rules[0].except[0] has 'from', but the rule checks egress only", "use 'to'"
        ),
        (
            "rules:\n- name: a\n  deny: {from: a, to: b}\n  direction: ingress\n", "4:14",
            "'direction' does not apply to a deny rule", "isolated and default-deny"
        ),
        (
            "rules:\n- name: a\n  default-deny: Not_A_Namespace\n", "3:17",
            "rules[0].default-deny must be a namespace name, found 'Not_A_Namespace'", "DNS label"
        ),
        ("rules: []\n", "1:1", "no rules in 'rules.yaml'", "deny, allow"),
        ("policies:\n- name: a\n", "1:1", "unknown key 'policies' in the rules file", "rules"),
        ("rules: {a: 1}\n", "1:8", "rules must be a list, found a mapping", nil),
        ("rules:\n\t- name: a\n", "2:1", nil, nil),
    ] as [(String, String, String?, String?)]
)
func badRulesFilesGetALocatedMessage(text: String, position: String, message: String?, hint: String?) throws {
    let error = try #require(rulesError(text))
    #expect(error.location?.description == "rules.yaml:\(position)")
    if let message { #expect(error.message == message) }
    if let hint { #expect(error.hint?.contains(hint) == true, "hint: \(error.hint ?? "none")") }
}

@Test func aMissingRulesFileIsAnError() {
    #expect(throws: Diagnostic.self) { try RulesLoader.load("/nonexistent/rules.yaml") }
}

@Test func aRulesFileBesideTheManifestsIsSkippedQuietly() throws {
    let result = try load(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n---\nrules:\n- name: r\n  default-deny: x\n"
    )
    #expect(result.cluster.endpoints.count == 1)
    #expect(!result.warnings.contains { $0.message.contains("not Kubernetes") })
}
