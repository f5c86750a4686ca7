import KubeModel
import Manifests
import Testing

// Reading the admin tiers: both API versions into one model, and every validation error located (exit 2 at the
// CLI), as the network-policy-api CRDs reject them.

private let pods = """
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec: {containers: [{name: c}]}
    ---

    """

private func anp(_ name: String = "p", priority: String = "10", _ extra: String = "") -> String {
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: \(name)}
    spec:
      priority: \(priority)
      subject: {namespaces: {}}
    \(extra)
    ---

    """
}

@Test func bothVersionsReadIntoOneModel() throws {
    let text =
        pods
        + anp(
            "a1",
            """
              egress:
              - name: out
                action: Deny
                to: [{networks: ["10.0.0.0/8", "fd00::/8"]}, {nodes: {matchLabels: {role: infra}}}]
                ports: [{portNumber: {protocol: UDP, port: 53}}, {portRange: {start: 8000, end: 9000}}, {namedPort: http}]
            """
        )
            + """
            apiVersion: policy.networking.k8s.io/v1alpha2
            kind: ClusterNetworkPolicy
            metadata: {name: c1}
            spec:
              tier: Baseline
              priority: 3
              subject: {pods: {podSelector: {matchLabels: {app: web}}}}
              ingress:
              - action: Accept
                from: [{pods: {namespaceSelector: {}, podSelector: {}}}]
                protocols: [{tcp: {destinationPort: {number: 80}}}, {sctp: {destinationPort: {range: {start: 1, end: 9}}}}, {destinationNamedPort: dns}]

            """
    let cluster = try load(text).cluster
    #expect(cluster.adminPolicies.map(\.name) == ["a1", "c1"])  // admin tier before baseline
    let a1 = try #require(cluster.adminPolicies.first)
    #expect(a1.kind == .adminNetworkPolicy && a1.tier == .admin && a1.priority == 10)
    #expect(a1.egress.first?.action == .deny)
    #expect(a1.egress.first?.peers.count == 2)
    #expect(
        a1.egress.first?.ports == [.numbers(.udp, 53...53), .numbers(.tcp, 8000...9000), .named("http")]
    )
    let c1 = try #require(cluster.adminPolicies.last)
    #expect(c1.kind == .clusterNetworkPolicy && c1.tier == .baseline && c1.priority == 3)
    #expect(
        c1.subject == .pods(namespaceSelector: .everything, podSelector: LabelSelector(matchLabels: ["app": "web"]))
    )
    #expect(c1.ingress.first?.action == .accept && c1.ingress.first?.name == "")
    #expect(c1.ingress.first?.ports == [.numbers(.tcp, 80...80), .numbers(.sctp, 1...9), .named("dns")])
}

/// Each invalid object: a located error naming what is wrong, with a hint.
@Test(arguments: [
    (anp(priority: "1001"), "spec.priority 1001", 5),
    (anp(priority: "-1"), "spec.priority -1", 5),
    (
        """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: other}
        spec: {subject: {namespaces: {}}}

        """, "is not named 'default'", 3
    ),
    (
        """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {}}
          ingress: [{name: p, action: Pass, from: [{namespaces: {}}]}]

        """, "action 'Pass' is not allowed", 6
    ),
    (anp("p", "  ingress: [{name: a, action: Accept, from: [{namespaces: {}}]}]"), "action 'Accept' is not allowed", 7),
    (
        """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: c}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          egress: [{action: Allow, to: [{namespaces: {}}]}]

        """, "action 'Allow' is not allowed", 8
    ),
    (anp("p", "  egress: [{name: n, action: Deny, to: [{networks: [10.0.0.0/33]}]}]"), "invalid CIDR '10.0.0.0/33'", 7),
    (
        anp(
            "p",
            "  ingress: [{name: r, action: Deny, from: [{namespaces: {}}], ports: [{portRange: {start: 90, end: 80}}]}]"
        ),
        "starts at 90 but ends at 80", 7
    ),
    (
        anp("p", "  ingress: [{name: r, action: Deny, from: [{namespaces: {}, pods: {podSelector: {}}}]}]"),
        "a peer sets exactly one field", 7
    ),
    (
        anp("p", "  ingress: [{name: r, action: Deny, from: [{networks: [10.0.0.0/8]}]}]"),
        "has no field netreach knows", 0
    ),
    (anp("p", "  ingress: [{name: r, action: Deny, from: []}]"), "has no 'from' peers", 7),
    // A key that is not a scalar is a field too: it is not ignored in favour of the one beside it.
    (anp("p", "  ingress: [{name: r, action: Deny, from: [{? [a]: b, namespaces: {}}]}]"), "sets '?', 'namespaces'", 7),
    (
        anp("p", "  ingress: [{name: r, action: Deny, from: [{namespaces: {}}], ports: [{namedPort: Bad_Name}]}]"),
        "invalid port name 'Bad_Name'", 7
    ),
    (
        """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: c}
        spec: {priority: 1, subject: {namespaces: {}}}

        """, "has no 'spec.tier'", 4
    ),
])
func invalidAdminPoliciesAreLocatedErrors(text: String, message: String, line: Int) {
    let error = loadError(pods + text)
    guard line > 0 else {
        // Not an error: an ingress `networks` peer is a field ingress peers do not have; it fails closed, warned.
        let warnings = (try? load(pods + text))?.warnings ?? []
        #expect(warnings.contains { $0.message.contains(message) })
        return
    }
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    #expect(error?.location?.line == line + 5)  // after the pod document (5 lines)
    #expect(error?.hint?.isEmpty == false)
}

@Test func aSecondBaselineIsAnError() {
    let banp = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec: {subject: {namespaces: {}}}
        ---

        """
    let error = loadError(pods + banp + banp)
    #expect(error?.message == "a second BaselineAdminNetworkPolicy")
    #expect(error?.location?.line == 11)
    #expect(error?.notes.first?.location?.line == 6)
    // --keep-going keeps the first.
    let kept = try? load(pods + banp + banp, keepGoing: true)
    #expect(kept?.cluster.adminPolicies.count == 1)
    #expect(kept?.cluster.adminPolicies.first?.location?.line == 6)
}

/// Two admin policies at one priority whose subjects overlap: an error naming both; --allow-same-priority warns and
/// evaluates them in name order; --keep-going skips the later one; subjects that select no common pod are fine.
@Test func samePriorityOverlapIsAnErrorUnlessAllowed() throws {
    let text = pods + anp("b-second") + anp("a-first")
    let error = loadError(text)
    #expect(
        error?.message.contains(
            "AdminNetworkPolicy 'b-second' and AdminNetworkPolicy 'a-first' have the same priority 10"
        ) == true
    )
    #expect(error?.notes.first?.message.contains("'a-first' is defined here") == true)
    #expect(error?.hint?.contains("--allow-same-priority") == true)

    var options = LoadOptions()
    options.allowSamePriority = true
    let allowed = try ManifestLoader.load(bytes: Array(text.utf8), name: "test.yaml", options: options)
    #expect(allowed.cluster.adminPolicies.map(\.name) == ["a-first", "b-second"])
    #expect(allowed.warnings.contains { $0.message.contains("evaluates them in name order") })

    let skipped = try load(text, keepGoing: true)
    #expect(skipped.cluster.adminPolicies.map(\.name) == ["a-first"])
    #expect(skipped.warnings.contains { $0.message.hasPrefix("skipped object: AdminNetworkPolicy 'b-second'") })

    let disjoint =
        pods
        + anp("x").replacingOccurrences(
            of: "subject: {namespaces: {}}",
            with: "subject: {namespaces: {matchLabels: {team: x}}}"
        )
        + anp("y").replacingOccurrences(
            of: "subject: {namespaces: {}}",
            with: "subject: {namespaces: {matchLabels: {team: y}}}"
        )
    #expect(try load(disjoint).cluster.adminPolicies.count == 2)
}
