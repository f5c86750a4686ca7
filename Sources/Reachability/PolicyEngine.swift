package import KubeModel

/// Computes which endpoint may connect to which, following the NetworkPolicy semantics of DESIGN.md, in three
/// stages:
/// 1. `compile()`: the compiled model (`ClassModel`): endpoints grouped into classes, rules compiled with their
///    origins. The checks and the decisions (`ClassModel.decide`) read it.
/// 2. `analyze()`: the class-level answer (`Reachability`): every class pair and every class against the address
///    atoms. The audit and diff read it.
/// 3. `Reachability.flows`: the endpoint flows, a lazy sequence in output order. `list` and `graph` read it.
///
/// ```swift
/// let result = PolicyEngine(cluster: cluster).analyze()
/// for flow in result.flows { print(result.peers[flow.source].name, flow.connections) }
/// ```
package struct PolicyEngine: Sendable {
    /// The cluster to analyze.
    package let cluster: Cluster
    /// How the network plugin reads what the API leaves open.
    package let settings: EngineSettings

    /// Creates an engine for a cluster.
    package init(cluster: Cluster, settings: EngineSettings = EngineSettings()) {
        self.cluster = cluster
        self.settings = settings
    }

    /// Compiles the policies against the endpoint classes without evaluating any pair.
    /// - Complexity: O(endpoints + policies × rules × classes).
    package func compile() -> ClassModel {
        ClassModel(cluster: cluster, settings: settings)
    }

    /// Evaluates every ordered pair of endpoint classes and every class against the external address atoms.
    /// - Complexity: O(classes² × rules per class).
    package func analyze() -> Reachability {
        compile().answer()
    }
}

extension ClassModel {
    /// The class-level answer of this model (stage 2).
    package func answer() -> Reachability {
        FlowBuilder(model: self).build()
    }
}
