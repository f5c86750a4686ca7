import KubeModel

extension AuditRule {
    /// Egress to TCP 10250, outside the cluster or on pods (the kubelet on the nodes).
    package static let egressToKubelet = AuditRule(
        id: "egress-to-kubelet",
        severity: .warning,
        title: "Egress to the kubelet port is allowed",
        help: "A rule lets endpoints connect to TCP 10250, the kubelet API of the nodes: on addresses outside the "
            + "cluster, or on pods (a node's host-network pods answer on the node's own address). Restrict the rule's "
            + "ports or peers."
    )
}
