import KubeModel

extension AuditRule {
    /// A rule allows every port to every address.
    package static let egressToAnyAddress = AuditRule(
        id: "egress-to-any-address",
        severity: .warning,
        title: "Egress to every address on every port is allowed",
        help:
            "A rule allows every address (0.0.0.0/0, or no 'to') on every port. Limit it to the addresses and ports "
            + "the workload needs."
    )
}
