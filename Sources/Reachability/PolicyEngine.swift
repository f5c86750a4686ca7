package import KubeModel

/// Computes which endpoint may connect to which, following the NetworkPolicy semantics of DESIGN.md.
///
/// Endpoints with the same namespace, labels and named ports form one class; selectors are matched and
/// rules gathered per class, and flows are evaluated per class pair, so the work grows with distinct
/// classes rather than with pods². External addresses are cut into atoms at every ipBlock boundary.
///
/// ```swift
/// let result = PolicyEngine(cluster: cluster).analyze()
/// for flow in result.flows { print(result.peers[flow.source].name, flow.connections) }
/// ```
package struct PolicyEngine: Sendable {
    /// The cluster to analyze.
    package let cluster: Cluster

    /// Creates an engine for a cluster.
    package init(cluster: Cluster) {
        self.cluster = cluster
    }

    /// Evaluates every ordered pair of endpoint classes and every class against the external address atoms.
    /// - Parameter expandingFlows: also list every endpoint flow in `flows` (what `list` and `graph` print);
    ///   the audit and the checks read the class-level answer and do without, which matters at 100,000 pods.
    /// - Complexity: O(classes² × rules per class), plus O(flows) when expanding.
    package func analyze(expandingFlows: Bool = true) -> Reachability {
        FlowBuilder(model: ClassModel(cluster: cluster)).build(expandingFlows: expandingFlows)
    }

    /// Compiles the policies against the endpoint classes without evaluating any pair: what `Checker` needs, as it
    /// evaluates only the class pairs its rules ask about. `flows`, `flowCount` and address peers stay empty.
    package func compile() -> Reachability {
        FlowBuilder(model: ClassModel(cluster: cluster)).buildModelOnly()
    }
}
