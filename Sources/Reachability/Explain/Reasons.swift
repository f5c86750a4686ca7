package import KubeModel

/// A policy named in an explanation: its kind, name and where it is written.
package struct PolicyReference: Hashable, Sendable {
    // The one-byte kind comes last, so that the reference takes 65 bytes, not 72: a 150,000-pod audit holds half a
    // million of them (the policies that cover each shadowed one).
    /// The policy's namespace.
    package var namespace: String
    /// The policy's name.
    package var name: String
    /// Where the policy is written.
    package var location: SourceLocation?
    /// The kind of policy.
    package var kind: PolicyKind

    /// `ns/name`, or `name` for a cluster-scoped admin policy.
    package var id: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    /// A reference to a NetworkPolicy.
    package init(_ policy: NetworkPolicy) {
        self.init(kind: .networkPolicy, namespace: policy.namespace, name: policy.name, location: policy.location)
    }

    /// A reference to an admin policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy).
    package init(_ policy: AdminPolicy) {
        self.init(kind: PolicyKind(policy.kind), namespace: "", name: policy.name, location: policy.location)
    }

    /// A reference to the policy a rule comes from (located at the policy, not the rule).
    package init(kind: PolicyKind, namespace: String, name: String, location: SourceLocation?) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.location = location
    }
}

/// Why a flow exists or does not: the structured reasons that check's "involved" and audit's evidence carry.
/// Reports turns them into text, the same in every format.
package enum Reason: Hashable, Sendable {
    /// Rules of `policy` (`rules`: their numbers, 1-based) let `source` reach `destination` through the hop in
    /// `direction`.
    case admits(PolicyReference, rules: [Int], source: String, destination: String, direction: Direction)
    /// Rules of an admin policy (`rules`: their numbers, 1-based) deny (or, with `passes`, hand down to the next
    /// tier) what `source` sends `destination` at the hop in `direction`.
    case adminRules(
        PolicyReference,
        rules: [Int],
        verdict: Verdict,
        source: String,
        destination: String,
        direction: Direction
    )
    /// `policy` isolates `endpoint` for `direction` and no rule of it lets `peer` through on `connections`.
    case isolatesWithoutRule(
        PolicyReference,
        endpoint: String,
        peer: String,
        direction: Direction,
        connections: ConnectionSet
    )
    /// No policy selects `endpoint` for any of `directions`, so those hops are open by default.
    case notSelected(endpoint: String, directions: [Direction])
    /// `endpoint` uses the host network, which the network plugin (`settings`, as flags) governs by no policy.
    case ungoverned(endpoint: String, settings: String)
    /// `policy` is in the namespace but is no default-deny: it selects only some pods, or every pod with rules.
    case notDefaultDeny(PolicyReference, selectsEveryPod: Bool)
}

/// A policy or endpoint that explains a failing rule, with where it is defined.
package struct CheckInvolvement: Hashable, Sendable {
    /// What it does to the flows.
    package var reason: Reason
    /// Where it is defined.
    package var location: SourceLocation?

    /// Creates an involvement.
    package init(_ reason: Reason, at location: SourceLocation?) {
        self.reason = reason
        self.location = location
    }
}

/// A counter-example of a failing rule.
package enum CheckExample: Hashable, Sendable {
    /// A flow that exists and should not: its connections, and the hops it owes to no policy selecting a side.
    case flow(source: String, destination: String, connections: ConnectionSet, defaultAllow: Set<Direction>)
    /// A pair that should connect: the connections it misses (nil: it has no connection at all).
    case missing(source: String, destination: String, connections: ConnectionSet?)
    /// An endpoint no policy isolates for `direction`.
    case notIsolated(endpoint: String, direction: Direction)
}

/// A piece of evidence of an audit finding.
package enum Evidence: Hashable, Sendable {
    /// An endpoint the finding is about (`ns/name[Kind]`).
    case endpoint(String)
    /// A flow that shows it.
    case flow(source: String, destination: String, connections: ConnectionSet)
    /// How many more flows there are beyond those listed.
    case more(Int)
    /// A policy that selects the endpoint with rules that allow the flows.
    case selectedBy(PolicyReference)
    /// A policy that already does what the shadowed policy does.
    case coveredBy(PolicyReference)
    /// A rule of a policy (`field`: `spec.ingress[0]`) and what it does. Boxed, so that every other piece of
    /// evidence does not take its size (a 150,000-pod audit holds half a million pieces).
    indirect case rule(PolicyReference, field: String, does: String)
}
