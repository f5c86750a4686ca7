/// A rules file for `netreach check`: assertions about who may and may not reach whom.
public struct RuleFile: Hashable, Sendable {
    /// The path the rules were read from.
    public var path: String
    /// The rules in file order.
    public var rules: [CheckRule]

    /// Creates a rules file.
    public init(path: String, rules: [CheckRule]) {
        self.path = path
        self.rules = rules
    }
}

/// One assertion of a rules file.
public struct CheckRule: Hashable, Sendable {
    /// What the rule asserts.
    public enum Assertion: Hashable, Sendable {
        /// No source reaches any destination on any of the ports.
        case deny(RuleReach)
        /// Every source reaches every destination on all of the ports (on some port when none are given).
        case allow(RuleReach)
        /// Nothing crosses the namespace boundary in these directions except what the exceptions list.
        case isolated(namespace: RuleNamespace, directions: Set<Direction>, except: [RuleException])
        /// A policy with `podSelector: {}` and no rules isolates every pod of the namespace in these directions.
        case defaultDeny(namespace: RuleNamespace, directions: Set<Direction>)
        /// No flow of the namespace (or of any namespace, when nil) exists only because a side has no policy.
        case noDefaultAllow(namespace: RuleNamespace?)
    }

    /// The rule's name, unique in its file.
    public var name: String
    /// Why the rule exists, if the file says.
    public var description: String?
    /// What the rule asserts.
    public var assertion: Assertion
    /// Where the rule starts in the rules file.
    public var location: SourceLocation

    /// Creates a rule.
    public init(name: String, description: String? = nil, assertion: Assertion, location: SourceLocation) {
        self.name = name
        self.description = description
        self.assertion = assertion
        self.location = location
    }

    /// The rule's keyword in the file: `deny`, `allow`, `isolated`, `default-deny`, `no-default-allow`.
    public var keyword: String {
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
public struct RuleReach: Hashable, Sendable {
    /// The sources.
    public var from: RulePeer
    /// The destinations.
    public var to: RulePeer
    /// The ports; nil for any port.
    public var ports: [RulePort]?

    /// Creates the reach of a rule.
    public init(from: RulePeer, to: RulePeer, ports: [RulePort]? = nil) {
        self.from = from
        self.to = to
        self.ports = ports
    }
}

/// A namespace named by a rule, with where it was written.
public struct RuleNamespace: Hashable, Sendable {
    /// The namespace's name.
    public var name: String
    /// Where the name was written.
    public var location: SourceLocation

    /// Creates a namespace reference.
    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// A flow an `isolated` rule lets cross the boundary: from (ingress) or to (egress) a peer, on some ports.
public struct RuleException: Hashable, Sendable {
    /// Outside sources allowed in; nil when the exception is about egress.
    public var from: RulePeer?
    /// Outside destinations allowed out; nil when the exception is about ingress.
    public var to: RulePeer?
    /// The ports; nil for any port.
    public var ports: [RulePort]?

    /// Creates an exception.
    public init(from: RulePeer? = nil, to: RulePeer? = nil, ports: [RulePort]? = nil) {
        self.from = from
        self.to = to
        self.ports = ports
    }
}

/// One side of a rule: one or more alternatives, any of which matches.
public struct RulePeer: Hashable, Sendable, CustomStringConvertible {
    /// One way to name peers.
    public enum Alternative: Hashable, Sendable {
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
    }

    /// The alternatives; a peer matches what any of them matches.
    public var alternatives: [Alternative]
    /// The text as written in the file, for messages.
    public var description: String
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a peer.
    public init(_ alternatives: [Alternative], description: String, location: SourceLocation) {
        self.alternatives = alternatives
        self.description = description
        self.location = location
    }
}

/// A protocol and an optional port range of a rule: `5432/TCP`, `8000-8080/TCP`, `53/UDP`, `UDP`.
public struct RulePort: Hashable, Sendable {
    /// The protocol.
    public var networkProtocol: NetworkProtocol
    /// The ports; nil for every port of the protocol.
    public var ports: ClosedRange<Int>?

    /// Creates a rule port.
    public init(_ networkProtocol: NetworkProtocol, _ ports: ClosedRange<Int>? = nil) {
        self.networkProtocol = networkProtocol
        self.ports = ports
    }
}
