import KubeModel
import Manifests
import Reachability
import Reports
import Testing

/// A small cluster: `web` (frontend) → `api` (backend, default-deny, admits web on 8080) → `db` (data, admits api
/// on 5432, no egress policy); `batch` in backend may egress only to 10.0.0.0/8 except 10.1.0.0/16 on 443.
private let cluster =
    namespace("frontend") + namespace("backend", "{team: core}") + namespace("data", "{team: core}")
    + pod("web", ns: "frontend", labels: "{app: web}")
    + pod("api", ns: "backend", labels: "{app: api}", ports: "[{name: http, containerPort: 8080}]")
    + pod("batch", ns: "backend", labels: "{app: batch}")
    + pod("db", ns: "data", labels: "{app: db}")
    + netpol("default-deny", ns: "backend", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
    + netpol(
        "api",
        ns: "backend",
        """
        {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress, Egress],
         ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: frontend}}}], ports: [{port: http}]}],
         egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}}], ports: [{port: 5432}]}]}
        """
    )
    + netpol(
        "batch",
        ns: "backend",
        """
        {podSelector: {matchLabels: {app: batch}}, policyTypes: [Egress],
         egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 443}]}]}
        """
    )
    + netpol(
        "db",
        ns: "data",
        "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: core}}}], ports: [{port: 5432}]}]}"
    )

private func check(_ rules: String, yaml: String = cluster, options: CheckOptions = CheckOptions()) throws
    -> CheckReport
{
    let file = try RulesLoader.load(bytes: Array(rules.utf8), name: "rules.yaml")
    return try Checker.check(file, against: try analyze(yaml).model, options: options)
}

private func verdict(_ rule: String, yaml: String = cluster) throws -> CheckResult {
    let report = try check("rules:\n- name: r\n" + rule, yaml: yaml)
    return try #require(report.results.first)
}

// MARK: - deny

@Test func denyHoldsWhenNoFlowMatches() throws {
    let result = try verdict("  deny: {from: frontend, to: data}")
    #expect(result.passed)
    #expect(result.violations == 0)
    #expect(result.message == "nothing is allowed from frontend to data")
}

@Test func denyFailsWithTheFlowsAndThePoliciesThatAllowThem() throws {
    let result = try verdict("  deny: {from: frontend/web, to: backend}")
    #expect(!result.passed)
    #expect(result.violations == 1)
    #expect(
        result.examples.map(\.text) == ["frontend/web[Pod] => backend/api[Pod] : TCP 8080  (default-allow: egress)"]
    )
    #expect(
        result.displayedInvolvements.map(\.text).contains(
            "NetworkPolicy backend/api, ingress rule 1 admits frontend/web[Pod] into backend/api[Pod] (ingress)"
        )
    )
    #expect(
        result.displayedInvolvements.map(\.text).contains(
            "frontend/web[Pod] is not selected by any NetworkPolicy for egress"
        )
    )
    let location = result.displayedInvolvements.first { $0.text.hasPrefix("NetworkPolicy backend/api") }?.location
    #expect(location?.file == "test.yaml" && location?.line ?? 0 > 1)
}

@Test func denyOnPortsOnlyCountsThosePorts() throws {
    #expect(try verdict("  deny: {from: backend/api, to: data/db, ports: [5433-6000/TCP, 53/UDP]}").passed)
    let result = try verdict("  deny: {from: backend/api, to: data/db, ports: [5432/TCP]}")
    #expect(!result.passed)
    #expect(result.examples.map(\.text) == ["backend/api[Pod] => data/db[Pod] : TCP 5432"])
}

@Test func denyToAnAddressRangeClipsTheAtoms() throws {
    // batch may reach 10.0.0.0/8 minus 10.1.0.0/16 on 443; a rule about 10.1.2.0/24 must hold.
    #expect(try verdict("  deny: {from: backend/batch, to: 10.1.2.0/24}").passed)
    let result = try verdict("  deny: {from: backend/batch, to: 10.0.0.0/16}")
    #expect(!result.passed)
    #expect(result.examples.map(\.text) == ["backend/batch[Pod] => 10.0.0.0-10.0.255.255 : TCP 443"])
    #expect(
        result.displayedInvolvements.map(\.text) == [
            "NetworkPolicy backend/batch, egress rule 1 lets backend/batch[Pod] reach 10.0.0.0-10.0.255.255 (egress)"
        ]
    )
}

@Test func denyFromAnyAddressFindsOpenIngress() throws {
    let result = try verdict("  deny: {from: 0.0.0.0/0, to: frontend}")
    #expect(!result.passed)
    #expect(
        result.examples.map(\.text) == [
            "0.0.0.0-255.255.255.255 => frontend/web[Pod] : All Connections  (default-allow: ingress)"
        ]
    )
}

@Test func denyAgreesWithTheFlowListForEveryPairOfEndpoints() throws {
    let result = try analyze(cluster)
    let names = result.cluster.endpoints.map { "\($0.namespace)/\($0.name)" }
    let listed = Set(result.flows.map { "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name)" })
    for a in names {
        for b in names where a != b {
            let report = try check("rules:\n- name: r\n  deny: {from: \(a), to: \(b)}")
            let expected = listed.contains("\(a)[Pod] => \(b)[Pod]")
            #expect(report.results[0].passed == !expected, "deny \(a) -> \(b)")
        }
    }
}

// MARK: - allow

@Test func allowHoldsWhenEveryPairConnects() throws {
    #expect(try verdict("  allow: {from: frontend, to: backend/api, ports: [8080/TCP]}").passed)
    #expect(try verdict("  allow: {from: backend/api, to: data/db}").passed)
}

@Test func allowFailsWithWhatIsMissingAndTheIsolatingPolicies() throws {
    let result = try verdict("  allow: {from: frontend/web, to: backend/api, ports: [8080/TCP, 9090/TCP]}")
    #expect(!result.passed)
    #expect(result.examples.map(\.text) == ["frontend/web[Pod] => backend/api[Pod] : missing TCP 9090"])
    #expect(
        result.displayedInvolvements.map(\.text) == [
            "NetworkPolicy backend/default-deny isolates backend/api[Pod] for ingress and no rule admits frontend/web[Pod] on TCP 9090",
            "NetworkPolicy backend/api isolates backend/api[Pod] for ingress and no rule admits frontend/web[Pod] on TCP 9090",
        ]
    )
    let none = try verdict("  allow: {from: frontend/web, to: backend/batch}")
    #expect(none.examples.map(\.text) == ["frontend/web[Pod] => backend/batch[Pod] : no connection"])
}

@Test func allowNeedsEveryAddressOfARange() throws {
    #expect(try verdict("  allow: {from: backend/batch, to: 10.2.0.0/16, ports: [443/TCP]}").passed)
    let result = try verdict("  allow: {from: backend/batch, to: 10.0.0.0/8, ports: [443/TCP]}")
    #expect(!result.passed)
    #expect(result.examples.map(\.text) == ["backend/batch[Pod] => 10.1.0.0-10.1.255.255 : missing TCP 443"])
}

@Test func selectorsCombineNamespaceAndPodLabels() throws {
    let rule = "  allow: {from: {namespaceSelector: team=core, podSelector: app=api}, to: {namespace: data}}"
    #expect(try verdict(rule).passed)
    let result = try verdict(#"  deny: {from: "app in (web,api)", to: [data/db, backend/api]}"#)
    #expect(result.violations == 2)
}

// MARK: - isolated

@Test func isolatedHoldsWithTheExceptionsListed() throws {
    let rule = """
          isolated: data
          direction: ingress
          except:
            - {from: backend/api, ports: [5432/TCP]}
        """
    #expect(try verdict(rule).passed)
}

@Test func isolatedFailsOnFlowsBeyondTheExceptions() throws {
    let result = try verdict("  isolated: data\n  direction: ingress")
    #expect(!result.passed)
    #expect(result.message == "1 flow crosses the boundary of 'data' (in)")
    #expect(result.examples.map(\.text) == ["backend/api[Pod] => data/db[Pod] : TCP 5432"])
    #expect(
        result.displayedInvolvements.map(\.text) == [
            "NetworkPolicy backend/api, egress rule 1 lets backend/api[Pod] reach data/db[Pod] (egress)",
            "NetworkPolicy data/db, ingress rule 1 admits backend/api[Pod] into data/db[Pod] (ingress)",
        ]
    )
}

@Test func isolatedEgressExceptionsSplitAddressRanges() throws {
    let rule = """
          isolated: backend
          direction: egress
          except:
            - {to: data/db, ports: [5432/TCP]}
            - {to: 10.0.0.0/9, ports: [443/TCP]}
        """
    let result = try verdict(rule)
    #expect(!result.passed)
    // 10.0.0.0/9 is excused; the rest of 10.0.0.0/8 (minus the except block) is not.
    #expect(result.examples.map(\.text) == ["backend/batch[Pod] => 10.128.0.0-10.255.255.255 : TCP 443"])
}

@Test func isolatedInBothDirectionsCountsBoth() throws {
    let result = try verdict("  isolated: frontend")
    #expect(!result.passed)
    #expect(result.message.contains("(in or out)"))
    #expect(
        result.examples.map(\.text).contains(
            "frontend/web[Pod] => backend/api[Pod] : TCP 8080  (default-allow: egress)"
        )
    )
    #expect(result.examples.map(\.text).contains { $0.hasPrefix("0.0.0.0-255.255.255.255 => frontend/web[Pod]") })
}

// MARK: - default-deny and no-default-allow

@Test func defaultDenyNeedsAnEmptySelectorWithoutRules() throws {
    #expect(try verdict("  default-deny: backend").passed)
    let result = try verdict("  default-deny: data\n  direction: ingress")
    #expect(!result.passed)
    #expect(result.displayedInvolvements.map(\.text) == ["NetworkPolicy data/db selects only some pods"])
    // podSelector: {} that allows everything is not a default-deny.
    let allowAll = cluster + netpol("all", ns: "data", "{podSelector: {}, ingress: [{}]}")
    let open = try verdict("  default-deny: data\n  direction: ingress", yaml: allowAll)
    #expect(!open.passed)
    #expect(open.displayedInvolvements.map(\.text).contains("NetworkPolicy data/all selects every pod but has rules"))
}

@Test func noDefaultAllowListsTheOpenHops() throws {
    let result = try verdict("  no-default-allow: data")
    #expect(!result.passed)
    #expect(
        result.examples.first?.text
            == "data/db[Pod] => 0.0.0.0-255.255.255.255 : All Connections  (default-allow: egress)"
    )
    #expect(
        result.displayedInvolvements.map(\.text) == ["data/db[Pod] is not selected by any NetworkPolicy for egress"]
    )
    let locked = cluster + netpol("deny-egress", ns: "data", "{podSelector: {}, policyTypes: [Egress]}")
    #expect(try verdict("  no-default-allow: data", yaml: locked).passed)
    #expect(!(try verdict("  no-default-allow: all", yaml: locked).passed))
}

// MARK: - Matching nothing

@Test func aPeerThatMatchesNothingIsAnError() throws {
    let error = #expect(throws: Diagnostic.self) {
        try check("rules:\n- name: r\n  deny: {from: frontend/webb, to: data}")
    }
    #expect(error?.message == "'from: frontend/webb' of rule 'r' matches no endpoint")
    #expect(error?.location?.description == "rules.yaml:3:16")
    #expect(error?.hint?.hasPrefix("did you mean frontend/web[Pod]?") == true)
    let namespaceError = #expect(throws: Diagnostic.self) {
        try check("rules:\n- name: r\n  default-deny: bakend")
    }
    #expect(namespaceError?.message == "namespace 'bakend' of rule 'r' is not in the manifests")
    #expect(namespaceError?.hint?.hasPrefix("did you mean backend?") == true)
}

@Test func allowEmptyLetsSuchRulesPassWithAWarning() throws {
    let report = try check(
        "rules:\n- name: r\n  deny: {from: app=ghost, to: data}",
        options: CheckOptions(allowEmpty: true)
    )
    #expect(report.results[0].passed)
    #expect(
        report.warnings.map(\.description) == [
            "rules.yaml:3:16: warning: 'from: app=ghost' of rule 'r' matches no endpoint; the rule passes (--allow-empty)"
        ]
    )
}

@Test func examplesAreCappedButAllViolationsCounted() throws {
    var yaml = ""
    for i in 0..<30 { yaml += pod("p\(String(format: "%02d", i))", ns: "wide") }
    let file = try RulesLoader.load(bytes: Array("rules:\n- name: r\n  deny: {from: wide, to: wide}".utf8), name: "r")
    let report = try Checker.check(file, against: try analyze(yaml).model, options: CheckOptions(examples: 3))
    #expect(report.results[0].violations == 30 * 29)
    #expect(
        report.results[0].examples.map(\.text) == [
            "wide/p00[Pod] => wide/p01[Pod] : All Connections  (default-allow: egress+ingress)",
            "wide/p00[Pod] => wide/p02[Pod] : All Connections  (default-allow: egress+ingress)",
            "wide/p00[Pod] => wide/p03[Pod] : All Connections  (default-allow: egress+ingress)",
        ]
    )
    #expect(report.summary == "1 rule: 0 passed, 1 failed")
}

// MARK: - isolated around any endpoints, and list items that match nothing (issue 12)

@Test func isolatedTakesOneWorkloadWithItsExceptions() throws {
    // Only the API reaches the database, on 5432: the db policy admits team-core namespaces on 5432, so batch
    // (backend) would too, but batch's own egress allows only 10.0.0.0/8.
    let held = try verdict(
        "  isolated: data/db\n  direction: ingress\n  except: [{from: backend/api, ports: [5432/TCP]}]"
    )
    #expect(held.passed)
    #expect(held.message == "nothing crosses the boundary of 'data/db' (in) beyond the listed exceptions")
    let broken = try verdict("  isolated: data/db\n  direction: ingress")
    #expect(!broken.passed)
    #expect(broken.examples.map(\.text) == ["backend/api[Pod] => data/db[Pod] : TCP 5432"])
}

@Test func isolatedRefusesAddresses() {
    let error = #expect(throws: Diagnostic.self) {
        try RulesLoader.load(bytes: Array("rules:\n- name: r\n  isolated: 10.0.0.0/8".utf8), name: "rules.yaml")
    }
    #expect(
        error?.message
            == "rules[0].isolated '10.0.0.0/8' is not a set of endpoints: isolated draws a boundary around endpoints"
    )
}

@Test func aListItemThatMatchesNothingIsAnErrorAtTheItem() throws {
    let error = #expect(throws: Diagnostic.self) {
        try check("rules:\n- name: r\n  deny:\n    from: [frontend, fronted]\n    to: data")
    }
    #expect(
        error?.message == "'from: fronted', an item of 'from: frontend or fronted' of rule 'r', matches no endpoint"
    )
    #expect(error?.location?.line == 4 && error?.location?.column == 22)
    #expect(error?.hint?.hasPrefix("did you mean frontend?") == true)
    // With --allow-empty the item is left out with a warning, and the rest is checked.
    let report = try check(
        "rules:\n- name: r\n  deny:\n    from: [frontend, fronted]\n    to: data",
        options: CheckOptions(allowEmpty: true)
    )
    #expect(
        report.warnings.map(\.message) == [
            "'from: fronted', an item of 'from: frontend or fronted' of rule 'r', matches no endpoint; the item is left out (--allow-empty)"
        ]
    )
    #expect(report.results[0].passed)
}

@Test func anExceptionThatMatchesNothingIsAnError() {
    let error = #expect(throws: Diagnostic.self) {
        try check("rules:\n- name: r\n  isolated: data\n  except: [{from: backend/nope}]")
    }
    #expect(error?.message == "'except.from: backend/nope' of rule 'r' matches no endpoint")
}

@Test func aBareWorkloadNameSuggestsItsNamespace() {
    let error = #expect(throws: Diagnostic.self) { try check("rules:\n- name: r\n  deny: {from: web, to: data}") }
    #expect(error?.message == "'from: web' of rule 'r' matches no endpoint")
    #expect(error?.hint?.hasPrefix("did you mean frontend/web?") == true)
}

// MARK: - Admin tiers

private let baselineDenyIngress =
    "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: {namespaces: {}}, ingress: [{name: deny-pods, action: Deny, from: [{namespaces: {}}]}]}\n---\n"

/// `default-deny:` holds with a baseline Deny of every pod over the namespace, and says which rule.
@Test func defaultDenyIsSatisfiedByABaselineDenyAll() throws {
    let yaml = cluster + namespace("empty") + pod("lone", ns: "empty") + baselineDenyIngress
    let result = try verdict("  default-deny: empty\n  direction: ingress", yaml: yaml)
    #expect(result.passed)
    #expect(
        result.message
            == "'empty' has a default-deny for ingress: BaselineAdminNetworkPolicy default, ingress rule 1 'deny-pods' (baseline Deny of every pod)"
    )
    // Not for egress: the baseline says nothing there.
    #expect(!(try verdict("  default-deny: empty\n  direction: egress", yaml: yaml).passed))
    // One direction by the namespace's own policy, the other by the baseline: both are named.
    let mixed =
        cluster + namespace("mixed") + pod("m", ns: "mixed")
        + netpol("dd", ns: "mixed", "{podSelector: {}, policyTypes: [Ingress]}")
        + "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: {namespaces: {}}, egress: [{name: deny-to-pods, action: Deny, to: [{pods: {namespaceSelector: {}, podSelector: {}}}]}]}\n---\n"
    let both = try verdict("  default-deny: mixed", yaml: mixed)
    #expect(both.passed)
    #expect(
        both.message
            == "'mixed' has a default-deny for ingress and egress: a NetworkPolicy for ingress; BaselineAdminNetworkPolicy default, egress rule 1 'deny-to-pods' (baseline Deny of every pod)"
    )
}

/// `deny:` and `allow:` evaluate across the tiers: an admin Deny over an open NetworkPolicy, named in "involved".
@Test func checkRulesEvaluateAcrossTiers() throws {
    let adminDeny =
        "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: no-frontend-to-data}\nspec: {tier: Admin, priority: 5, subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: data}}}, ingress: [{name: deny-frontend, action: Deny, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: frontend}}}]}]}\n---\n"
    let open = cluster + netpol("all", ns: "data", "{podSelector: {}, ingress: [{}]}")
    #expect(!(try verdict("  deny: {from: frontend, to: data}", yaml: open).passed))
    #expect(try verdict("  deny: {from: frontend, to: data}", yaml: open + adminDeny).passed)
    let blocked = try verdict("  allow: {from: frontend/web, to: data/db, ports: [5432/TCP]}", yaml: open + adminDeny)
    #expect(!blocked.passed)
    #expect(
        blocked.displayedInvolvements.map(\.text).contains(
            "ClusterNetworkPolicy no-frontend-to-data, ingress rule 1 denies frontend/web[Pod] to data/db[Pod] (ingress)"
        )
    )
}
