import KubeModel
import Manifests
import Reports
import Testing

@testable import Reachability

private let tcp80 = ConnectionSet(.tcp, PortSet(80...80))
private let tcp443 = ConnectionSet(.tcp, PortSet(443...443))
private let udp53 = ConnectionSet(.udp, PortSet(53...53))

private func rule(_ index: Int, _ connections: ConnectionSet) -> DecidingRule {
    DecidingRule(rule: RuleID(index), connections: connections)
}

@Test func aDecisionWithoutLayersAllowsEverythingByDefault() {
    let decision = Decision(folding: [.silent, .silent])
    #expect(decision.allowed == .all)
    #expect(decision.undecided == .all)
    #expect(!decision.isDecided)
    #expect(decision.parts.isEmpty)
}

@Test func anEarlierPartWinsAndLaterLayersDecideOnlyWhatIsLeft() {
    let admin = LayerDecision(
        [
            DecisionPart(tcp80, .deny, rules: [rule(0, tcp80)]),
            DecisionPart(tcp80.union(tcp443), .allow, rules: [rule(1, tcp80.union(tcp443))]),
        ],
        selectedBy: [PolicyID(0)]
    )
    let networkPolicy = LayerDecision(
        [
            DecisionPart(udp53, .allow, rules: [rule(2, udp53)]),
            DecisionPart(ConnectionSet.all.subtracting(udp53), .deny),
        ],
        selectedBy: [PolicyID(1)]
    )
    let decision = Decision(folding: [admin, networkPolicy])
    #expect(decision.allowed == tcp443.union(udp53))
    #expect(decision.undecided == .none)
    #expect(decision.selectedBy == [PolicyID(0), PolicyID(1)])
    // Rule 1 allowed 80 too, but the deny before it decided 80: it is named for 443 only.
    #expect(
        decision.parts.map(\.connections) == [
            tcp80, tcp443, udp53, ConnectionSet.all.subtracting(tcp80).subtracting(tcp443).subtracting(udp53),
        ]
    )
    #expect(decision.allowing(tcp80).isEmpty)
    #expect(decision.allowing(tcp443) == [RuleID(1)])
    #expect(decision.rules(.deny, tcp80) == [RuleID(0)])
}

@Test func passSkipsTheRestOfItsLayerAndGoesToTheNext() {
    let admin = LayerDecision(
        [DecisionPart(tcp80, .pass, rules: [rule(0, tcp80)]), DecisionPart(.all, .deny, rules: [rule(1, .all)])],
        selectedBy: [PolicyID(0)]
    )
    let baseline = LayerDecision([DecisionPart(tcp80, .allow, rules: [rule(2, tcp80)])], selectedBy: [PolicyID(1)])
    let decision = Decision(folding: [admin, baseline])
    #expect(decision.allowed == tcp80)
    #expect(decision.allowing(tcp80) == [RuleID(2)])
    #expect(decision.rules(.deny, tcp443) == [RuleID(1)])
    #expect(!decision.parts.contains { $0.verdict == .pass })
    // Passed and decided by no later layer: allowed by default.
    let open = Decision(folding: [admin, .silent])
    #expect(open.allowed == tcp80)
    #expect(open.undecided == tcp80)
}

/// A cluster where `db` is selected by two ingress policies: one admits `api` on 5432, one admits `api` on 9187.
private let twoPolicies =
    namespace("app") + pod("api", ns: "app", labels: "{app: api}") + pod("db", ns: "app", labels: "{app: db}")
    + netpol(
        "db-sql",
        ns: "app",
        "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]}"
    )
    + netpol(
        "db-metrics",
        ns: "app",
        "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 9187}]}]}"
    )

@Test func theDecidingRulesCarryTheirOrigin() throws {
    let model = try analyze(twoPolicies).model
    let api = model.classOf(endpoint: try #require(model.cluster.endpoints.firstIndex { $0.name == "api" }))
    let db = model.classOf(endpoint: try #require(model.cluster.endpoints.firstIndex { $0.name == "db" }))
    let decision = model.decide(.ingress, at: db, peer: .endpoints(api))
    #expect(
        decision.allowed == ConnectionSet(.tcp, PortSet(5432...5432)).union(ConnectionSet(.tcp, PortSet(9187...9187)))
    )
    let origins = decision.allowing(ConnectionSet(.tcp, PortSet(5432...5432))).map { model.origin($0) }
    #expect(origins.map(\.name) == ["db-sql"])
    #expect(origins.first?.field == "spec.ingress[0]")
    #expect(origins.first?.direction == .ingress)
    #expect(origins.first?.kind == .networkPolicy)
    #expect(origins.first?.location?.file == "test.yaml")
    #expect(decision.selectedBy.map { model.policy($0).name } == ["db-metrics", "db-sql"])
    // api is selected by nothing: its egress is undecided.
    #expect(!model.decide(.egress, at: api, peer: .endpoints(db)).isDecided)
}

@Test func checkNamesOnlyThePolicyWhoseRuleAdmitsTheFlowOnThosePorts() throws {
    let file = try RulesLoader.load(
        bytes: Array("rules:\n- name: r\n  deny: {from: app/api, to: app/db, ports: [5432/TCP]}".utf8),
        name: "rules.yaml"
    )
    let report = try Checker.check(file, against: try analyze(twoPolicies).model)
    let involved = report.results[0].displayedInvolvements
    #expect(
        involved.map(\.text) == [
            "app/api[Pod] is not selected by any NetworkPolicy for egress",
            "NetworkPolicy app/db-sql, ingress rule 1 admits app/api[Pod] into app/db[Pod] (ingress)",
        ]
    )
    guard case .admits(let policy, _, _, _, let direction) = involved.last?.reason else {
        Issue.record("expected an admitting policy last")
        return
    }
    #expect(policy.name == "db-sql" && direction == .ingress)
}

@Test func anAllowRuleNamesThePoliciesThatIsolateWithoutARuleForIt() throws {
    let file = try RulesLoader.load(
        bytes: Array("rules:\n- name: r\n  allow: {from: app/api, to: app/db, ports: [5432/TCP, 8080/TCP]}".utf8),
        name: "rules.yaml"
    )
    let result = try Checker.check(file, against: try analyze(twoPolicies).model).results[0]
    #expect(
        result.examples == [
            .missing(
                source: "app/api[Pod]",
                destination: "app/db[Pod]",
                connections: ConnectionSet(.tcp, PortSet(8080...8080))
            )
        ]
    )
    #expect(
        result.displayedInvolvements.map(\.text) == [
            "NetworkPolicy app/db-sql isolates app/db[Pod] for ingress and no rule admits app/api[Pod] on TCP 8080",
            "NetworkPolicy app/db-metrics isolates app/db[Pod] for ingress and no rule admits app/api[Pod] on TCP 8080",
        ]
    )
}
