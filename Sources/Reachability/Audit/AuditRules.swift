extension AuditRule {
    /// A namespace with endpoints and no NetworkPolicy at all.
    package static let namespaceWithoutPolicy = AuditRule(
        id: "namespace-without-policy",
        severity: .error,
        title: "Namespace has no NetworkPolicy",
        help:
            "Every pod of a namespace without NetworkPolicy accepts connections from anywhere and may connect anywhere. "
            + "The NSA/CISA Kubernetes Hardening Guide asks for a default-deny policy in every namespace: "
            + "podSelector: {} with policyTypes [Ingress, Egress], then policies that allow what each workload needs."
    )
    /// A namespace whose policies leave some pods without an ingress default-deny.
    package static let namespaceWithoutDefaultDenyIngress = AuditRule(
        id: "namespace-without-default-deny-ingress",
        severity: .warning,
        title: "Namespace has no default-deny for ingress",
        help:
            "No policy in the namespace selects every pod (podSelector: {}) for Ingress, so a pod that no other policy "
            + "selects accepts connections from anywhere. Add a policy with podSelector: {} and policyTypes [Ingress]."
    )
    /// A namespace whose policies leave some pods without an egress default-deny.
    package static let namespaceWithoutDefaultDenyEgress = AuditRule(
        id: "namespace-without-default-deny-egress",
        severity: .warning,
        title: "Namespace has no default-deny for egress",
        help:
            "No policy in the namespace selects every pod (podSelector: {}) for Egress, so a pod that no other policy "
            + "selects may connect anywhere, including the cloud metadata API. Add a policy with podSelector: {} and "
            + "policyTypes [Egress], and allow DNS explicitly."
    )
    /// An endpoint no policy selects for ingress, in a namespace that has policies.
    package static let ingressNotIsolated = AuditRule(
        id: "ingress-not-isolated",
        severity: .warning,
        title: "Endpoint is not isolated for ingress",
        help: "No NetworkPolicy selects the endpoint for Ingress, so every pod and address may connect to it "
            + "(default-allow). Select it with a policy that allows only its clients."
    )
    /// An endpoint no policy selects for egress, in a namespace that has policies.
    package static let egressNotIsolated = AuditRule(
        id: "egress-not-isolated",
        severity: .warning,
        title: "Endpoint is not isolated for egress",
        help: "No NetworkPolicy selects the endpoint for Egress, so it may connect to every pod and address "
            + "(default-allow), the cloud metadata API and the kubelet included. Select it with a policy that allows only "
            + "what it calls."
    )
    /// A rule lets every other namespace in.
    package static let reachableFromAllNamespaces = AuditRule(
        id: "reachable-from-all-namespaces",
        severity: .warning,
        title: "Endpoint is reachable from every namespace",
        help: "A rule (often namespaceSelector: {}) lets pods of every other namespace connect. Narrow the rule to the "
            + "namespaces and pods that need it."
    )
    /// A rule lets the whole IPv4 internet in.
    package static let reachableFromAnyAddress = AuditRule(
        id: "reachable-from-any-address",
        severity: .warning,
        title: "Endpoint is reachable from any IP address",
        help:
            "A rule allows connections from every IPv4 address (0.0.0.0/0, or a rule without 'from'). If the endpoint "
            + "is not meant to be public, restrict the rule's peers."
    )
    /// Egress to 169.254.169.254:80.
    package static let egressToCloudMetadata = AuditRule(
        id: "egress-to-cloud-metadata",
        severity: .error,
        title: "Egress to the cloud metadata API is allowed",
        help:
            "The endpoint may connect to 169.254.169.254 on TCP 80, where cloud providers serve instance credentials. "
            + "Add 169.254.169.254/32 to the except list of egress ipBlocks, or isolate the endpoint for egress."
    )
    /// Egress to TCP 10250 outside the cluster (the kubelet on the nodes).
    package static let egressToKubelet = AuditRule(
        id: "egress-to-kubelet",
        severity: .warning,
        title: "Egress to the kubelet port is allowed",
        help: "A rule lets the endpoint connect to TCP 10250 on addresses outside the cluster, the kubelet API of the "
            + "nodes. Restrict the rule's ports or addresses."
    )
    /// A rule allows every port to every address.
    package static let egressToAnyAddress = AuditRule(
        id: "egress-to-any-address",
        severity: .warning,
        title: "Egress to every address on every port is allowed",
        help:
            "A rule lets the endpoint connect to every IPv4 address on every port. Limit it to the addresses and ports "
            + "the workload needs."
    )
    /// A policy whose podSelector matches nothing.
    package static let policySelectsNothing = AuditRule(
        id: "policy-selects-nothing",
        severity: .warning,
        title: "NetworkPolicy selects no endpoint",
        help: "The policy's podSelector matches no pod or workload of its namespace in the input, so it has no effect. "
            + "Check the labels and the namespace."
    )
    /// A rule peer that matches nothing.
    package static let peerMatchesNothing = AuditRule(
        id: "peer-matches-nothing",
        severity: .note,
        title: "Rule peer matches no endpoint",
        help: "A podSelector/namespaceSelector in a rule matches no endpoint in the input, so it allows nothing. Check "
            + "its labels, or whether the namespace labels exist."
    )
    /// A policy that changes no flow.
    package static let policyShadowed = AuditRule(
        id: "policy-shadowed",
        severity: .note,
        title: "NetworkPolicy is shadowed by others",
        help:
            "Removing the policy would change no flow: other policies already isolate the same endpoints and allow at "
            + "least everything it allows. Remove it or merge it into the covering policies."
    )
    /// Pods on the node's network.
    package static let hostNetwork = AuditRule(
        id: "host-network",
        severity: .warning,
        title: "Pods use the host network",
        help: "Pods with hostNetwork: true share the node's network namespace; most CNIs do not enforce NetworkPolicy "
            + "for them. Avoid hostNetwork, or protect the node itself."
    )

    /// Every rule, in report order.
    package static let all: [AuditRule] = [
        .namespaceWithoutPolicy, .namespaceWithoutDefaultDenyIngress, .namespaceWithoutDefaultDenyEgress,
        .ingressNotIsolated, .egressNotIsolated, .reachableFromAllNamespaces, .reachableFromAnyAddress,
        .egressToCloudMetadata, .egressToKubelet, .egressToAnyAddress, .policySelectsNothing, .peerMatchesNothing,
        .policyShadowed, .hostNetwork,
    ]
}
