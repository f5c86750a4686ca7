package import KubeModel

/// Why one side of a hop decides what it does for some connections: data, not sentences (`Reports` words them).
package enum SideReason: Hashable, Sendable {
    /// No policy selects the endpoint in that direction: the system default allows everything.
    case systemDefault
    /// The endpoint uses the host network, which the network plugin governs by no policy: everything is allowed.
    case hostNetwork
    /// A rule admits the peer on these connections.
    case admittedBy(RuleID)
    /// An admin or baseline rule matches the peer on these connections and gives its verdict: Allow/Accept, Deny,
    /// or Pass (the next tier decides, and its reason follows).
    case tierRule(RuleID, Verdict)
    /// The policy selects the endpoint in that direction and has no rule of that direction.
    case noRules(PolicyID)
    /// The policy selects the endpoint and none of its rules of that direction selects the peer.
    case noRuleSelectsPeer(PolicyID)
    /// The rule selects the peer but not these connections; `named`: it names ports the destination does not have.
    case portsMismatch(RuleID, named: Bool)
    /// An Ingress, Route or Gateway route sends the ingress controller to this workload through `service`: on these
    /// connections (`allows`), or not on these (its ports do not match).
    case wayIn(WayIn.Kind, id: String, service: String, allows: Bool, location: SourceLocation?)
}

/// One side's decision on some connections, with its reasons (for the policies, in policy and rule order).
package struct SidePiece: Hashable, Sendable {
    package var connections: ConnectionSet
    package var allowed: Bool
    package var reasons: [SideReason]
}

/// Connections of a pair that share one explanation.
package struct ExplanationSlice: Hashable, Sendable {
    package var connections: ConnectionSet
    /// The egress side, at the source.
    package var egress: SidePiece
    /// The ingress side, at the destination.
    package var ingress: SidePiece
    /// Both sides allow.
    package var allowed: Bool { egress.allowed && ingress.allowed }

    /// The slice on the connections it shares with `connections`, or nil when it shares none.
    package func restricted(to connections: ConnectionSet) -> ExplanationSlice? {
        let shared = self.connections.intersection(connections)
        guard !shared.isEmpty else { return nil }
        var slice = self
        slice.connections = shared
        slice.egress.connections = shared
        slice.ingress.connections = shared
        return slice
    }
}

/// One end of a pair to explain: endpoints of a class, or addresses outside the cluster.
package enum ExplainedEnd: Hashable, Sendable {
    case endpoints(ClassID)
    case addresses(IPSet)
}

extension ClassModel {
    /// The pair's connections cut into slices that share one explanation, covering every connection, in
    /// connection order. Addresses as a source send everything and as a destination accept everything (nothing
    /// governs them); a set of addresses is explained as the rules see its first address.
    package func explain(from source: ExplainedEnd, to destination: ExplainedEnd) -> [ExplanationSlice] {
        let open = [SidePiece(connections: .all, allowed: true, reasons: [.systemDefault])]
        let egress: [SidePiece]
        let ingress: [SidePiece]
        switch (source, destination) {
        case (.endpoints(let s), .endpoints(let d)):
            egress = explainSide(.egress, at: s, peer: .endpoints(d), destination: d)
            ingress = explainSide(.ingress, at: d, peer: .endpoints(s), destination: d)
        case (.endpoints(let s), .addresses(let set)):
            egress = explainSide(.egress, at: s, peer: .addresses(set), destination: nil)
            ingress = open
        case (.addresses(let set), .endpoints(let d)):
            egress = open
            ingress = explainSide(.ingress, at: d, peer: .addresses(set), destination: d)
        case (.addresses, .addresses):
            egress = open
            ingress = open
        }
        var slices: [ExplanationSlice] = []
        for e in egress {
            for i in ingress {
                let connections = e.connections.intersection(i.connections)
                guard !connections.isEmpty else { continue }
                var sliceEgress = e
                var sliceIngress = i
                sliceEgress.connections = connections
                sliceIngress.connections = connections
                slices.append(ExplanationSlice(connections: connections, egress: sliceEgress, ingress: sliceIngress))
            }
        }
        return slices
    }

    /// One side's decision, cut where the set of rules that admit the peer changes. Denied connections of an
    /// isolated side name, per selecting policy, why it does not admit them.
    /// - Complexity: O(rules of the class × pieces); pieces grow with the distinct port sets of the matching rules.
    func explainSide(_ direction: Direction, at governed: ClassID, peer: HopPeer, destination: ClassID?)
        -> [SidePiece]
    {
        if classes[governed].ungoverned {
            return [SidePiece(connections: .all, allowed: true, reasons: [.hostNetwork])]
        }
        guard tiered else {
            return networkPolicySide(direction, at: governed, peer: peer, destination: destination, on: .all, after: [])
        }
        // The admin tier, then the NetworkPolicies or the baseline tier, then the system default, each on what the
        // one before left undecided (with the Pass that handed it down, if any, before its own reason).
        var decided: [SidePiece] = []
        var open = [SidePiece(connections: .all, allowed: true, reasons: [])]
        func tier(_ ids: [RuleID]) {
            var passed: [SidePiece] = []
            for r in ids where matches(rules[r], peer) {
                let matched = connections(rules[r], destinationClass: destination)
                var next: [SidePiece] = []
                for piece in open {
                    let inside = piece.connections.intersection(matched)
                    let outside = piece.connections.subtracting(matched)
                    if !outside.isEmpty {
                        next.append(SidePiece(connections: outside, allowed: true, reasons: piece.reasons))
                    }
                    guard !inside.isEmpty else { continue }
                    let verdict = rules[r].verdict
                    let cut = SidePiece(
                        connections: inside,
                        allowed: verdict == .allow,
                        reasons: piece.reasons + [.tierRule(r, verdict)]
                    )
                    if verdict == .pass { passed.append(cut) } else { decided.append(cut) }
                }
                open = next
            }
            open += passed
        }
        tier(adminGoverning.of(direction)[governed])
        if isolated.of(direction)[governed] {
            for piece in open {
                decided += networkPolicySide(
                    direction,
                    at: governed,
                    peer: peer,
                    destination: destination,
                    on: piece.connections,
                    after: piece.reasons
                )
            }
        } else {
            tier(baselineGoverning.of(direction)[governed])
            decided += open.map {
                SidePiece(connections: $0.connections, allowed: true, reasons: $0.reasons + [.systemDefault])
            }
        }
        return decided
    }

    /// The NetworkPolicies' decision on `connections` of a side (`after`: the reasons of the tier that passed them
    /// down, if any): admitted by their rules, or denied with a reason per selecting policy.
    private func networkPolicySide(
        _ direction: Direction,
        at governed: ClassID,
        peer: HopPeer,
        destination: ClassID?,
        on connections: ConnectionSet,
        after prefix: [SideReason]
    ) -> [SidePiece] {
        guard isolated.of(direction)[governed] else {
            return [SidePiece(connections: connections, allowed: true, reasons: prefix + [.systemDefault])]
        }
        var pieces = [SidePiece(connections: connections, allowed: false, reasons: prefix)]
        // Within a policy the first rule that admits a connection is named for it, as netpol-analyzer names them;
        // every policy that admits it is named.
        var byPolicy: [PolicyID: ConnectionSet] = [:]
        for r in governing.of(direction)[governed] where matches(rules[r], peer) {
            guard let policy = rules[r].origin.policy else { continue }
            let earlier = byPolicy[policy] ?? .none
            let admitted = self.connections(rules[r], destinationClass: destination).subtracting(earlier)
            guard !admitted.isEmpty else { continue }
            byPolicy[policy] = earlier.union(admitted)
            var next: [SidePiece] = []
            for piece in pieces {
                let inside = piece.connections.intersection(admitted)
                let outside = piece.connections.subtracting(admitted)
                if !inside.isEmpty {
                    next.append(
                        SidePiece(connections: inside, allowed: true, reasons: piece.reasons + [.admittedBy(r)])
                    )
                }
                if !outside.isEmpty {
                    next.append(SidePiece(connections: outside, allowed: piece.allowed, reasons: piece.reasons))
                }
            }
            pieces = next
        }
        let denial = denialReasons(direction, at: governed, peer: peer, destination: destination)
        return pieces.map { piece in
            piece.allowed ? piece : SidePiece(connections: piece.connections, allowed: false, reasons: prefix + denial)
        }
    }

    /// Why the policies that select `governed` in `direction` admit nothing more of `peer`, one or more reasons
    /// per policy.
    private func denialReasons(_ direction: Direction, at governed: ClassID, peer: HopPeer, destination: ClassID?)
        -> [SideReason]
    {
        var reasons: [SideReason] = []
        for p in selectedBy.of(direction)[governed] {
            let own = policyRules[p][direction]
            guard !own.isEmpty else {
                reasons.append(.noRules(p))
                continue
            }
            let selecting = own.filter { matches(rules[$0], peer) }
            guard !selecting.isEmpty else {
                reasons.append(.noRuleSelectsPeer(p))
                continue
            }
            // The first rule that selects the peer stands for the policy, as netpol-analyzer names it.
            let r = selecting[0]
            reasons.append(.portsMismatch(r, named: hasUnresolvedNamedPort(r, destination: destination)))
        }
        return reasons
    }

    /// Whether rule `r` names a port the destination does not have (an address has none).
    private func hasUnresolvedNamedPort(_ r: RuleID, destination: ClassID?) -> Bool {
        let ports = destination.map { classes[$0].ports } ?? []
        return (rules[r].ports ?? []).contains { item in
            guard case .named(let name) = item.port else { return false }
            return !ports.contains { $0.name == name && $0.networkProtocol == item.networkProtocol }
        }
    }
}
