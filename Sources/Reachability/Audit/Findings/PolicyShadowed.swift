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
        let ruleBits = ClassModel.matchBitRows(model.rules, classes: model.classes.count)
        let fixed = FixedConnections(model)
        // The shadowing test is the audit's costliest part and independent per policy: run it on every core, and
        // build each finding there too (a shadowed policy of 150,000 pods lists some 70 covering ones).
        let reader = context
        let found = Parallel.map(model.cluster.policies.count) { p -> [Finding] in
            let policy = model.cluster.policies[p]
            guard !model.policySelection[p].isEmpty, !isDefaultDeny(policy),
                let covering = Self.covering(PolicyID(p), in: model, ruleBits: ruleBits, fixed: fixed)
            else { return [] }
            // Field by field: a reference made from the whole policy copied it first (470,000 copies).
            let references = covering.map { q in
                PolicyReference(
                    kind: .networkPolicy,
                    namespace: model.cluster.policies[q].namespace,
                    name: model.cluster.policies[q].name,
                    location: model.cluster.policies[q].location
                )
            }
            // Recorded in a copy of the context that starts without findings.
            var context = reader
            context.findings = []
            context.add(
                .policyShadowed,
                subject: "NetworkPolicy \(policy.id)",
                "NetworkPolicy \(policy.id) changes no flow: removing it leaves every flow as it is, because "
                    + "\(references.map(\.id).joined(separator: ", ")) already "
                    + (references.count == 1 ? "isolates and allows" : "isolate and allow") + " the same",
                fix: "remove it, or merge its rules into the covering policies",
                at: [policy.location] + references.map(\.location),
                evidence: references.map { .coveredBy($0) },
                annotations: policy.annotations
            )
            return context.findings
        }
        context.findings += found.joined()
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
    private static func covering(
        _ p: PolicyID,
        in model: ClassModel,
        ruleBits: [[UInt64]],
        fixed: FixedConnections
    ) -> [PolicyID]? {
        let policy = model.policy(p)
        // Appended class by class, sorted and made unique at the end (a set hashed every policy of every class).
        var covering: [PolicyID] = []
        for direction in Direction.allCases where policy.policyTypes.contains(direction) {
            let governing = model.governing.of(direction)
            let selectedBy = model.selectedBy.of(direction)
            let ownRules = model.policyRules[p].of(direction)
            for c in model.policySelection[p] {
                let all = governing[c]
                // A policy has a few rules: a scan of them is cheaper than a set (this runs for every class every
                // policy selects).
                let others = all.filter { !ownRules.contains($0) }
                let coveringHere = selectedBy[c].filter { $0.index != p.index }
                // Without another policy selecting c in this direction, removing p would lift the isolation.
                guard !coveringHere.isEmpty else { return nil }
                let withRules = coveringHere.filter { !model.policyRules[$0].of(direction).isEmpty }
                covering += withRules.isEmpty ? coveringHere : withRules
                let othersFixed = others.allSatisfy { fixed.id[$0] >= 0 }
                for r in ownRules {
                    var remaining = ruleBits[r]
                    var remainingAddresses = model.rules[r].addresses
                    if fixed.id[r] >= 0 {
                        for o in others where fixed.isSubset(r, of: o) {
                            var left: UInt64 = 0
                            for w in remaining.indices {
                                remaining[w] &= ~ruleBits[o][w]
                                left |= remaining[w]
                            }
                            if !remainingAddresses.isEmpty, !model.rules[o].addresses.isEmpty {
                                remainingAddresses = remainingAddresses.subtracting(model.rules[o].addresses)
                            }
                            // Nothing of the rule is left for the other rules to cover.
                            if left == 0, remainingAddresses.isEmpty { break }
                        }
                    }
                    // A peer's verdict depends only on which of the other rules match it when the destination is
                    // the same for every peer (ingress: c) or no rule here has a named port: it is worked out once
                    // per such set of rules (a bit mask over `others`), not once per peer.
                    let byMatch =
                        others.count <= 64 && (direction == .ingress || (fixed.id[r] >= 0 && othersFixed))
                    // The masks whose peers are covered (a peer not covered ends the test).
                    var coveredMasks = MaskSet()
                    for (w, word) in remaining.enumerated() where word != 0 {
                        var bits = word
                        while bits != 0 {
                            let bit = bits & (~bits &+ 1)
                            let peer = ClassID(w * 64 + bits.trailingZeroBitCount)
                            bits &= bits - 1
                            var mask: UInt64 = 0
                            if byMatch {
                                for k in others.indices where ruleBits[others[k]][w] & bit != 0 {
                                    mask |= 1 << UInt64(k)
                                }
                                if coveredMasks.contains(mask) { continue }
                            }
                            let destination = direction == .ingress ? c : peer
                            let mine = model.connections(r, destinationClass: destination)
                            let covered =
                                mine.isEmpty
                                || mine.isSubset(
                                    of: model.union(others, matching: peer, destination: destination) ?? .none
                                )
                            guard covered else { return nil }
                            if byMatch { coveredMasks.insert(mask) }
                        }
                    }
                    guard !remainingAddresses.isEmpty else { continue }
                    let destination: ClassID? = direction == .ingress ? c : nil
                    let mine = model.connections(r, destinationClass: destination)
                    guard !mine.isEmpty else { continue }
                    for a in model.atomIntervals(remainingAddresses).joined() {
                        if !mine.isSubset(of: model.union(others, atom: model.atoms[a], destination: destination)) {
                            return nil
                        }
                    }
                }
            }
        }
        covering.sort()
        var unique: [PolicyID] = []
        unique.reserveCapacity(covering.count)
        for q in covering where q != unique.last { unique.append(q) }
        return unique
    }
}

/// A set of masks: the first few in an array searched in order (a set hashed once for every peer of every rule
/// cost a tenth of the shadowing test), the rest hashed.
private struct MaskSet {
    private var few: [UInt64] = []
    private var more = Set<UInt64>()

    func contains(_ mask: UInt64) -> Bool {
        few.contains(mask) || (!more.isEmpty && more.contains(mask))
    }

    mutating func insert(_ mask: UInt64) {
        if few.count < 16 { few.append(mask) } else { more.insert(mask) }
    }
}

/// The rules' connections that need no destination (no named port), each distinct set once, with which of them
/// holds which: the shadowing test asks that of every pair of a policy's rule and another rule governing a class it
/// selects (millions of pairs for 10,000 policies, over a few distinct sets).
private struct FixedConnections: Sendable {
    /// Per rule, the index of its fixed connections in `sets`, or -1 when it has a named port.
    let id: [Int32]
    private let sets: [ConnectionSet]
    /// `subset[a * sets.count + b]`: whether set `a` is within set `b`; empty when there are too many sets to
    /// tabulate (then they are compared).
    private let subset: [Bool]

    init(_ model: ClassModel) {
        var index: [ConnectionSet: Int32] = [:]
        var sets: [ConnectionSet] = []
        id = model.rules.map { rule in
            guard let fixed = rule.fixedConnections else { return -1 }
            if let known = index[fixed] { return known }
            index[fixed] = Int32(sets.count)
            sets.append(fixed)
            return Int32(sets.count - 1)
        }
        self.sets = sets
        let n = sets.count
        subset = n <= 1024 ? (0..<(n * n)).map { sets[$0 / n].isSubset(of: sets[$0 % n]) } : []
    }

    /// Whether the fixed connections of rule `r` are within those of rule `o` (false when either has a named port).
    func isSubset(_ r: RuleID, of o: RuleID) -> Bool {
        let a = id[r]
        let b = id[o]
        guard a >= 0, b >= 0 else { return false }
        if subset.isEmpty { return sets[Int(a)].isSubset(of: sets[Int(b)]) }
        return subset[Int(a) * sets.count + Int(b)]
    }
}
