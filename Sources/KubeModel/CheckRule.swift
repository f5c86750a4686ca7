/// A rules file for `netreach check`: assertions about who may and may not reach whom.
package struct RuleFile: Hashable, Sendable {
    /// The path the rules were read from.
    package var path: String
    /// The rules in file order.
    package var rules: [CheckRule]

    /// Creates a rules file.
    package init(path: String, rules: [CheckRule]) {
        self.path = path
        self.rules = rules
    }
}

/// One assertion of a rules file.
package struct CheckRule: Hashable, Sendable {
    /// What the rule asserts.
    package enum Assertion: Hashable, Sendable {
        /// No source reaches any destination on any of the ports.
        case deny(RuleReach)
        /// Every source reaches every destination on all of the ports (on some port when none are given).
        case allow(RuleReach)
        /// Nothing crosses the boundary of these endpoints (a namespace, a workload, a selection) in these
        /// directions except what the exceptions list.
        case isolated(peer: RulePeer, directions: Set<Direction>, except: [RuleException])
        /// A policy with `podSelector: {}` and no rules isolates every pod of the namespace in these directions.
        case defaultDeny(namespace: RuleNamespace, directions: Set<Direction>)
        /// No flow of the namespace (or of any namespace, when nil) exists only because a side has no policy.
        case noDefaultAllow(namespace: RuleNamespace?)
    }

    /// The rule's name, unique in its file.
    package var name: String
    /// Why the rule exists, if the file says.
    package var description: String?
    /// What the rule asserts.
    package var assertion: Assertion
    /// Where the rule starts in the rules file.
    package var location: SourceLocation

    /// Creates a rule.
    package init(name: String, description: String? = nil, assertion: Assertion, location: SourceLocation) {
        self.name = name
        self.description = description
        self.assertion = assertion
        self.location = location
    }

    /// The rule's keyword in the file: `deny`, `allow`, `isolated`, `default-deny`, `no-default-allow`.
    package var keyword: String {
        switch assertion {
        case .deny: "deny"
        case .allow: "allow"
        case .isolated: "isolated"
        case .defaultDeny: "default-deny"
        case .noDefaultAllow: "no-default-allow"
        }
    }
}

/// The `from`, `to` and `ports` of a deny or allow rule.
package struct RuleReach: Hashable, Sendable {
    /// The sources.
    package var from: RulePeer
    /// The destinations.
    package var to: RulePeer
    /// The ports; nil for any port.
    package var ports: [RulePort]?

    /// The outside peer the exception allows in `direction`: `from` for ingress, `to` for egress.
    package func peer(_ direction: Direction) -> RulePeer? {
        switch direction {
        case .ingress: from
        case .egress: to
        }
    }

    /// Creates the reach of a rule.
    package init(from: RulePeer, to: RulePeer, ports: [RulePort]? = nil) {
        self.from = from
        self.to = to
        self.ports = ports
    }
}

/// A namespace named by a rule, with where it was written.
package struct RuleNamespace: Hashable, Sendable {
    /// The namespace's name.
    package var name: String
    /// Where the name was written.
    package var location: SourceLocation

    /// Creates a namespace reference.
    package init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// A flow an `isolated` rule lets cross the boundary: from (ingress) or to (egress) a peer, on some ports.
package struct RuleException: Hashable, Sendable {
    /// Outside sources allowed in; nil when the exception is about egress.
    package var from: RulePeer?
    /// Outside destinations allowed out; nil when the exception is about ingress.
    package var to: RulePeer?
    /// The ports; nil for any port.
    package var ports: [RulePort]?

    /// The outside peer the exception allows in `direction`: `from` for ingress, `to` for egress.
    package func peer(_ direction: Direction) -> RulePeer? {
        switch direction {
        case .ingress: from
        case .egress: to
        }
    }

    /// Creates an exception.
    package init(from: RulePeer? = nil, to: RulePeer? = nil, ports: [RulePort]? = nil) {
        self.from = from
        self.to = to
        self.ports = ports
    }
}

/// One side of a rule: one or more alternatives, any of which matches.
package struct RulePeer: Hashable, Sendable, CustomStringConvertible {
    /// One way to name peers.
    package enum Alternative: Hashable, Sendable {
        /// Every endpoint and every address.
        case any
        /// Every endpoint of a namespace.
        case namespace(String)
        /// One endpoint: `namespace/name`, optionally `[Kind]`.
        case endpoint(EndpointReference)
        /// Endpoints whose labels match `pods` in namespaces whose labels match `namespaces` (nil: any namespace).
        case selector(namespaces: LabelSelector?, pods: LabelSelector)
        /// Addresses outside the cluster.
        case cidr(CIDR)
        /// Everything outside the cluster: every address, and (for `deny`) the ingress controller that Ingresses,
        /// Routes and Gateway routes bring traffic through.
        case internet
    }

    /// The alternatives; a peer matches what any of them matches.
    package var alternatives: [Alternative]
    /// The text as written in the file, for messages.
    package var description: String
    /// Where it was written.
    package var location: SourceLocation
    /// When the peer is written as a list, its items (each must match something); empty otherwise.
    package var items: [RulePeer] = []

    /// Creates a peer.
    package init(_ alternatives: [Alternative], description: String, location: SourceLocation, items: [RulePeer] = []) {
        self.alternatives = alternatives
        self.description = description
        self.location = location
        self.items = items
    }
}

/// A protocol and an optional port range of a rule: `5432/TCP`, `8000-8080/TCP`, `53/UDP`, `UDP`.
package struct RulePort: Hashable, Sendable {
    /// The protocol.
    package var networkProtocol: NetworkProtocol
    /// The ports; nil for every port of the protocol.
    package var ports: ClosedRange<Int>?

    /// Creates a rule port.
    package init(_ networkProtocol: NetworkProtocol, _ ports: ClosedRange<Int>? = nil) {
        self.networkProtocol = networkProtocol
        self.ports = ports
    }
}
