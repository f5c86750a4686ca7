import KubeModel

extension AuditRule {
    /// Two admin policies of one tier at one priority select some of the same pods (read with
    /// `--allow-same-priority`): their order is undefined.
    package static let adminSamePriority = AuditRule(
        id: "admin-same-priority",
        severity: .error,
        title: "Admin policies share a priority and select the same pods",
        help:
            "The network-policy-api leaves the order of two policies at the same priority undefined: each network "
            + "plugin may apply either first. Give each policy its own priority."
    )
    /// An admin rule that never decides anything: rules before it match everything it matches.
    package static let adminRuleShadowed = AuditRule(
        id: "admin-rule-shadowed",
        severity: .warning,
        title: "Admin rule is shadowed by earlier rules",
        help:
            "Within a tier the first matching rule decides. Every connection this rule matches is matched first by a "
            + "rule of a lower priority value (or earlier in the same policy), so it never decides anything. Remove it, or "
            + "move it before the rule that shadows it."
    )
    /// A Pass for pods that no NetworkPolicy selects and no baseline rule covers: the passed connections are allowed.
    package static let adminPassToNothing = AuditRule(
        id: "admin-pass-to-nothing",
        severity: .warning,
        title: "Admin Pass hands connections to nothing",
        help:
            "A Pass hands the decision to the NetworkPolicies, or to the baseline for pods no NetworkPolicy selects. "
            + "For these pods neither decides, so what the Pass matches is allowed by default. Add a NetworkPolicy or a "
            + "baseline rule, or use Deny if the connections should not pass."
    )
    /// A baseline Deny for pods that NetworkPolicies select: the baseline is never consulted for them.
    package static let baselineDenyOverridden = AuditRule(
        id: "baseline-deny-overridden",
        severity: .note,
        title: "Baseline Deny is overridden by NetworkPolicies",
        help:
            "The baseline tier decides only for pods no NetworkPolicy selects in that direction. For these pods the "
            + "namespace's NetworkPolicies decide instead, so the baseline Deny does not apply to them. That is the "
            + "design; this note says where."
    )
    /// A namespace default-deny NetworkPolicy that an admin Allow goes around.
    package static let defaultDenyUndermined = AuditRule(
        id: "default-deny-undermined",
        severity: .warning,
        title: "Namespace default-deny is undermined by an admin Allow",
        help:
            "The namespace has a default-deny NetworkPolicy, but an admin-tier Allow (Accept) rule admits connections "
            + "before any NetworkPolicy is consulted, so the default-deny does not hold for them. Narrow the admin rule, or "
            + "make it a Pass so the namespace decides."
    )
}

/// The findings about the admin tiers.
enum AdminTierFindings: AuditCheck {
    static let rules: [AuditRule] = [
        .adminSamePriority, .adminRuleShadowed, .adminPassToNothing, .baselineDenyOverridden, .defaultDenyUndermined,
    ]

    static func run(_ context: inout AuditContext) {
        guard context.model.tiered else { return }
        samePriority(&context)
        shadowed(&context)
        passToNothing(&context)
        baselineOverridden(&context)
        defaultDenyUndermined(&context)
    }

    private static func reference(_ policy: AdminPolicy) -> PolicyReference { PolicyReference(policy) }

    /// `AdminNetworkPolicy name`.
    private static func text(_ policy: AdminPolicy) -> String { "\(policy.kind.rawValue) \(policy.name)" }

    private static func samePriority(_ context: inout AuditContext) {
        let model = context.model
        let policies = context.cluster.adminPolicies
        for i in policies.indices {
            for j in policies.indices.dropFirst(i + 1) {
                let (a, b) = (policies[i], policies[j])
                guard a.tier == b.tier, a.priority == b.priority else { break }
                guard a.kind != .baselineAdminNetworkPolicy, b.kind != .baselineAdminNetworkPolicy else { continue }
                let shared = Set(model.adminSelection[i]).intersection(model.adminSelection[j])
                guard !shared.isEmpty else { continue }
                let count = shared.reduce(0) { $0 + model.classes[$1].members.count }
                context.add(
                    .adminSamePriority,
                    subject: "\(text(a)) / \(text(b))",
                    "\(text(a)) and \(text(b)) both have priority \(a.priority) in the \(a.tier.rawValue.lowercased()) tier and select \(count) of the same \(count == 1 ? "endpoint" : "endpoints"): their order is undefined",
                    fix: "give '\(b.name)' a priority of its own",
                    at: [a.location, b.location],
                    evidence: [.coveredBy(reference(b))],
                    annotations: a.annotations
                )
            }
        }
    }

    /// A rule of a tier is shadowed when one earlier rule of that tier (a lower priority value, or earlier in the same
    /// policy) applies to every pod it applies to, matches every peer it matches, and covers its ports: the earlier
    /// rule takes everything first (whatever its action: a Pass skips the rest of the tier too).
    private static func shadowed(_ context: inout AuditContext) {
        let model = context.model
        let cluster = context.cluster
        let count = model.classes.count
        let subjects = model.adminSelection.map { ClassFlags($0, count: count) }
        for direction in Direction.allCases {
            var earlier: [(policy: Int, rule: RuleID, peers: ClassFlags)] = []
            var reported = Set<RuleID>()
            for (p, policy) in cluster.adminPolicies.enumerated() {
                // A new tier starts over: the baseline is not shadowed by the admin tier.
                if p > 0, cluster.adminPolicies[p - 1].tier != policy.tier { earlier.removeAll() }
                for r in model.adminPolicyRules[p][direction] {
                    let peers = model.rules[r].matchesClass
                    let rule = model.rules[r]
                    let cover = earlier.first { other in
                        let o = model.rules[other.rule]
                        return subjects[p].isSubset(of: subjects[other.policy]) && peers.isSubset(of: other.peers)
                            && rule.addresses.isSubset(of: o.addresses)
                            && (rule.matchesIngressController ? o.matchesIngressController : true)
                            && covers(o, rule, model)
                    }
                    if let cover, !subjects[p].isEmpty, reported.insert(r).inserted {
                        let origin = model.origin(r)
                        let by = model.origin(cover.rule)
                        context.add(
                            .adminRuleShadowed,
                            subject: origin.label,
                            "\(origin.label) never decides anything: \(by.label) matches everything it matches first",
                            fix: "remove the rule, or give it a priority before '\(by.name)'",
                            at: [origin.location, by.location],
                            evidence: [.coveredBy(PolicyReference(cluster.adminPolicies[cover.policy]))],
                            annotations: policy.annotations
                        )
                    }
                    earlier.append((p, r, peers))
                }
            }
        }
    }

    /// Whether rule `a`'s ports cover rule `b`'s, for every destination.
    private static func covers(_ a: CompiledRule, _ b: CompiledRule, _ model: ClassModel) -> Bool {
        guard let aPorts = a.ports else { return true }
        guard let bPorts = b.ports else { return false }
        // Named ports resolve per destination: a named port is covered only by the same name (or all ports).
        for port in bPorts {
            if case .named = port.port {
                guard
                    aPorts.contains(where: {
                        $0 == port || ($0.port == nil && $0.networkProtocol == port.networkProtocol)
                    })
                else { return false }
            }
        }
        let numbered = { (ports: [PolicyPort]) in ports.filter { if case .named = $0.port { false } else { true } } }
        return ClassModel.connections(numbered(bPorts), destinationPorts: []).isSubset(
            of: ClassModel.connections(numbered(aPorts), destinationPorts: [])
        )
    }

    /// A Pass rule whose subject holds pods that no NetworkPolicy selects and no baseline rule governs in that
    /// direction: what it passes is allowed by default.
    private static func passToNothing(_ context: inout AuditContext) {
        let model = context.model
        for (p, policy) in context.cluster.adminPolicies.enumerated() where policy.tier == .admin {
            for direction in Direction.allCases {
                for r in model.adminPolicyRules[p][direction] where model.rules[r].verdict == .pass {
                    let bare = model.adminSelection[p].filter {
                        !model.isolated.of(direction)[$0] && model.baselineGoverning.of(direction)[$0].isEmpty
                    }
                    guard !bare.isEmpty else { continue }
                    let endpoints = bare.flatMap { model.classes[$0].members }.sorted()
                    let origin = model.origin(r)
                    let count = endpoints.count
                    context.add(
                        .adminPassToNothing,
                        subject: origin.label,
                        "\(origin.label) passes \(direction.rawValue.lowercased()) connections of \(count) \(count == 1 ? "endpoint" : "endpoints") that no NetworkPolicy selects and no baseline rule covers: they are allowed by default",
                        fix:
                            "select them with a NetworkPolicy or a baseline rule for \(direction.rawValue), or make the rule Deny",
                        at: [origin.location],
                        evidence: endpoints.prefix(Auditor.evidenceLimit).map {
                            .endpoint(context.cluster.endpoints[$0].id)
                        },
                        annotations: policy.annotations
                    )
                }
            }
        }
    }

    /// A baseline Deny rule whose subject holds pods that NetworkPolicies select in that direction.
    private static func baselineOverridden(_ context: inout AuditContext) {
        let model = context.model
        for (p, policy) in context.cluster.adminPolicies.enumerated() where policy.tier == .baseline {
            for direction in Direction.allCases {
                guard let r = model.adminPolicyRules[p][direction].first(where: { model.rules[$0].verdict == .deny })
                else { continue }
                let isolated = model.adminSelection[p].filter { model.isolated.of(direction)[$0] }
                guard !isolated.isEmpty else { continue }
                let namespaces = Array(Set(isolated.map { model.classes[$0].namespace })).sorted()
                let origin = model.origin(r)
                context.add(
                    .baselineDenyOverridden,
                    subject: "\(origin.label) in \(namespaces.joined(separator: ", "))",
                    "\(origin.label) does not apply to the pods NetworkPolicies select for \(direction.rawValue.lowercased()) in \(namespaces.map { "'\($0)'" }.joined(separator: ", ")): their NetworkPolicies decide instead",
                    fix:
                        "nothing to fix if the namespaces' policies are meant to decide; otherwise deny in the admin tier",
                    at: [origin.location],
                    evidence: namespaces.prefix(Auditor.evidenceLimit).map { .endpoint($0) },
                    annotations: policy.annotations
                )
            }
        }
    }

    /// A namespace with a default-deny NetworkPolicy for a direction, some of whose pods an admin Allow admits.
    private static func defaultDenyUndermined(_ context: inout AuditContext) {
        let model = context.model
        let cluster = context.cluster
        for namespace in cluster.namespaces {
            let policies = (context.policiesByNamespace[namespace.name] ?? []).map { cluster.policies[$0] }
            for direction in Direction.allCases {
                guard
                    let deny = policies.first(where: {
                        $0.podSelector.isEmpty && $0.policyTypes.contains(direction) && $0.rules(direction).isEmpty
                    })
                else { continue }
                let classes = model.classes.indices.map(ClassID.init).filter {
                    model.classes[$0].namespace == namespace.name
                }
                let allowing = Set(
                    classes.flatMap { c in
                        model.adminGoverning.of(direction)[c].filter { model.rules[$0].verdict == .allow }
                    }
                ).sorted()
                guard let first = allowing.first else { continue }
                let origin = model.origin(first)
                context.add(
                    .defaultDenyUndermined,
                    subject: "namespace '\(namespace.name)'",
                    "NetworkPolicy \(deny.id) denies all \(direction.rawValue.lowercased()) in '\(namespace.name)', but \(origin.label)\(allowing.count > 1 ? " and \(allowing.count - 1) more admin rules" : "") admit connections before it is consulted",
                    fix: "narrow the admin rule, or make it Pass so that '\(namespace.name)' decides",
                    at: [origin.location, deny.location],
                    evidence: allowing.prefix(Auditor.evidenceLimit).map {
                        .rule(
                            model.reference(model.origin($0).owner),
                            field: model.origin($0).field,
                            does: "admits first"
                        )
                    },
                    annotations: namespace.annotations
                )
            }
        }
    }
}
