import KubeModel
import Parallel

extension AuditRule {
    /// A policy that changes no flow.
    package static let policyShadowed = AuditRule(
        id: "policy-shadowed",
        severity: .note,
        title: "NetworkPolicy is shadowed by others",
        help:
            "Removing the policy would change no flow: other policies already isolate the same endpoints and allow at "
            + "least everything it allows. Remove it or merge it into the covering policies."
    )
}

/// A policy whose removal would change no flow.
enum PolicyShadowed: AuditCheck {
    static let rules: [AuditRule] = [.policyShadowed]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        let words = (model.classes.count + 63) / 64
        let ruleBits = model.rules.map { rule -> [UInt64] in
            var bits = [UInt64](repeating: 0, count: words)
            for (c, matches) in rule.matchesClass.enumerated() where matches { bits[c / 64] |= 1 << UInt64(c % 64) }
            return bits
        }
        // The shadowing test is the audit's costliest part and independent per policy: run it on every core.
        let covering = Parallel.map(model.cluster.policies.count) { p -> [PolicyID]? in
            let policy = model.cluster.policies[p]
            guard !model.policySelection[p].isEmpty, !isDefaultDeny(policy) else { return nil }
            return Self.covering(PolicyID(p), in: model, ruleBits: ruleBits)
        }
        for (p, policy) in model.cluster.policies.enumerated() {
            guard let covering = covering[p]?.map({ model.policy($0) }) else { continue }
            context.add(
                .policyShadowed,
                subject: "NetworkPolicy \(policy.id)",
                "NetworkPolicy \(policy.id) changes no flow: removing it leaves every flow as it is, because "
                    + "\(covering.map(\.id).joined(separator: ", ")) already "
                    + (covering.count == 1 ? "isolates and allows" : "isolate and allow") + " the same",
                fix: "remove it, or merge its rules into the covering policies",
                at: [policy.location] + covering.map(\.location),
                evidence: covering.map { .coveredBy(PolicyReference($0)) },
                annotations: policy.annotations
            )
        }
    }

    /// A default-deny (`podSelector: {}` without rules) guards pods that do not exist yet; it is never "shadowed".
    private static func isDefaultDeny(_ policy: NetworkPolicy) -> Bool {
        policy.podSelector.isEmpty && policy.ingress.isEmpty && policy.egress.isEmpty
    }

    /// The other policies that make `p` redundant, or nil when removing `p` would change some flow.
    ///
    /// Removing `p` changes nothing when, for every class it selects, each of its own rules is covered: whatever
    /// the rule lets through from a peer, the other rules selecting that class let through too. Most of that is
    /// settled with class bitsets (another rule whose connections include the rule's covers all its peers at
    /// once); only the peers and address atoms left over are compared one by one.
    private static func covering(_ p: PolicyID, in model: ClassModel, ruleBits: [[UInt64]]) -> [PolicyID]? {
        let policy = model.policy(p)
        var covering = Set<PolicyID>()
        for direction in Direction.allCases where policy.policyTypes.contains(direction) {
            let ownRules = model.policyRules[p][direction]
            let own = Set(ownRules)
            for c in model.policySelection[p] {
                let all = model.governing[direction][c]
                let others = all.filter { !own.contains($0) }
                let coveringHere = model.selectedBy[direction][c].filter { $0 != p }
                // Without another policy selecting c in this direction, removing p would lift the isolation.
                guard !coveringHere.isEmpty else { return nil }
                let withRules = coveringHere.filter { !model.policyRules[$0][direction].isEmpty }
                covering.formUnion(withRules.isEmpty ? coveringHere : withRules)
                for r in ownRules {
                    let rule = model.rules[r]
                    var remaining = ruleBits[r]
                    var remainingAddresses = rule.addresses
                    if let fixed = rule.fixedConnections {
                        for o in others {
                            guard let theirs = model.rules[o].fixedConnections, fixed.isSubset(of: theirs) else {
                                continue
                            }
                            for w in remaining.indices { remaining[w] &= ~ruleBits[o][w] }
                            remainingAddresses = remainingAddresses.subtracting(model.rules[o].addresses)
                        }
                    }
                    for (w, word) in remaining.enumerated() where word != 0 {
                        var bits = word
                        while bits != 0 {
                            let peer = ClassID(w * 64 + bits.trailingZeroBitCount)
                            bits &= bits - 1
                            let destination = direction == .ingress ? c : peer
                            let mine = model.connections(rule, destinationClass: destination)
                            guard !mine.isEmpty else { continue }
                            if !mine.isSubset(
                                of: model.union(others, matching: peer, destination: destination) ?? .none
                            ) {
                                return nil
                            }
                        }
                    }
                    guard !remainingAddresses.isEmpty else { continue }
                    let destination: ClassID? = direction == .ingress ? c : nil
                    let mine = model.connections(rule, destinationClass: destination)
                    guard !mine.isEmpty else { continue }
                    for a in model.atomIntervals(remainingAddresses).joined() {
                        if !mine.isSubset(of: model.union(others, atom: model.atoms[a], destination: destination)) {
                            return nil
                        }
                    }
                }
            }
        }
        return covering.sorted()
    }
}
