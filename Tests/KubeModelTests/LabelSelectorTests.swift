import KubeModel
import TestSupport
import Testing

@Test func emptySelectorMatchesEverything() {
    #expect(LabelSelector.everything.matches([:]))
    #expect(LabelSelector.everything.matches(["app": "x"]))
}

@Test func matchLabelsAndExpressionsAreANDed() {
    let selector = LabelSelector(
        matchLabels: ["app": "web"],
        matchExpressions: [.init(key: "tier", operator: .in, values: ["a", "b"])]
    )
    #expect(selector.matches(["app": "web", "tier": "a"]))
    #expect(!selector.matches(["app": "web", "tier": "c"]))
    #expect(!selector.matches(["app": "api", "tier": "a"]))
    #expect(!selector.matches(["app": "web"]))
}

@Test func notInAndDoesNotExistMatchObjectsWithoutTheKey() {
    let notIn = LabelSelector(matchExpressions: [.init(key: "env", operator: .notIn, values: ["prod"])])
    #expect(notIn.matches([:]))
    #expect(notIn.matches(["env": "dev"]))
    #expect(!notIn.matches(["env": "prod"]))
    let absent = LabelSelector(matchExpressions: [.init(key: "env", operator: .doesNotExist)])
    #expect(absent.matches([:]))
    #expect(!absent.matches(["env": ""]))
}

@Test func existsNeedsTheKeyWithAnyValue() {
    let exists = LabelSelector(matchExpressions: [.init(key: "env", operator: .exists)])
    #expect(exists.matches(["env": ""]))
    #expect(!exists.matches(["other": "x"]))
}

@Test func policyTypesDefaultToIngressPlusEgressWhenEgressRulesExist() {
    #expect(NetworkPolicy(namespace: "a", name: "p").policyTypes == [.ingress])
    #expect(NetworkPolicy(namespace: "a", name: "p", egress: [PolicyRule()]).policyTypes == [.ingress, .egress])
    #expect(NetworkPolicy(namespace: "a", name: "p", policyTypes: [.egress]).policyTypes == [.egress])
}

@Test func namespacesAlwaysCarryTheirNameLabel() {
    #expect(Namespace(name: "db", labels: ["team": "x"]).labels == ["team": "x", "kubernetes.io/metadata.name": "db"])
}

@Test func clusterAddsImplicitNamespacesAndSorts() {
    let cluster = Cluster(
        namespaces: [Namespace(name: "b", location: SourceLocation(file: "f", line: 1, column: 1))],
        endpoints: [
            Endpoint(namespace: "z", name: "p", kind: "Pod"), Endpoint(namespace: "b", name: "a", kind: "Pod"),
        ],
        policies: [NetworkPolicy(namespace: "c", name: "p")]
    )
    #expect(cluster.namespaces.map(\.name) == ["b", "c", "z"])
    #expect(cluster.namespaces.map(\.isImplicit) == [false, true, true])
    #expect(cluster.endpoints.map(\.id) == ["b/a[Pod]", "z/p[Pod]"])
}

/// Each namespace's endpoints by index, as a plain pass over them gives them, with namespaces whose names are
/// prefixes of others (sorted by id, `a-b/…` comes before `a/…`) and in an order other than id order.
@Test func endpointIndicesByNamespaceAreThoseOfAPlainPass() {
    let names = ["a", "a-b", "ab", "b", "a.b"]
    var random = SplitMix(state: 5)
    let endpoints = (0..<200).map { i in
        Endpoint(namespace: random.pick(names), name: "p\(i)", kind: random.pick(["Pod", "Deployment"]))
    }
    func plain(_ endpoints: [Endpoint]) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for (e, endpoint) in endpoints.enumerated() { out[endpoint.namespace, default: []].append(e) }
        return out
    }
    let sorted = Cluster(namespaces: [], endpoints: endpoints, policies: [])
    #expect(sorted.endpointIndicesByNamespace() == plain(sorted.endpoints))
    var unsorted = sorted
    unsorted.endpoints = endpoints
    #expect(unsorted.endpointIndicesByNamespace() == plain(endpoints))
    #expect(Set(sorted.endpointIndicesByNamespace().keys) == Set(names))
}
