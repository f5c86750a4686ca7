package import KubeModel
package import Reachability

extension DiagramBuilder {
    /// The diagram of a diff: one node per workload or address set a change involves, one edge per change (added
    /// in green, removed in red and dashed, changed in orange with old → new on the label); nothing unchanged.
    /// - Throws: `Diagnostic` when there are more changes than `maxEdges` (filter with --to, --from or --focus).
    package static func build(
        _ diff: ReachabilityDiff,
        settings: EngineSettings,
        maxNodes: Int = maxNodes,
        maxEdges: Int = maxEdges
    ) throws(Diagnostic) -> Diagram {
        var graph = Graph()
        var nodeOf: [String: Int] = [:]
        func node(_ name: String, addresses: Bool) -> Int {
            if let existing = nodeOf[name] { return existing }
            nodeOf[name] = graph.nodes.count
            var namespace: String?
            var label = name.split(separator: ",").joined(separator: "\n")
            if !addresses, let slash = name.firstIndex(of: "/") {
                namespace = String(name[..<slash])
                label = name[name.index(after: slash)...].split(separator: "[", maxSplits: 1).joined(separator: "\n[")
            }
            graph.nodes.append(
                Diagram.Node(
                    id: "d\(graph.nodes.count)",
                    label: label,
                    kind: addresses ? .external : .endpoints,
                    namespace: namespace,
                    tooltip: name,
                    isFocus: false,
                    ingressOpen: false
                )
            )
            graph.members.append([])
            return graph.nodes.count - 1
        }
        for change in diff.changes {
            let sourceIsAddresses = change.addresses?.description == change.source
            let from = node(change.source, addresses: sourceIsAddresses)
            let to = node(change.destination, addresses: !sourceIsAddresses && change.addresses != nil)
            let label =
                switch change.kind {
                case .added: change.new.description
                case .removed: change.old.description
                case .changed: "\(change.old) → \(change.new)"
                }
            graph.edges.append(
                Diagram.Edge(
                    from: graph.nodes[from].id,
                    to: graph.nodes[to].id,
                    label: label,
                    protection: .rules,
                    flowCount: 1,
                    rules: change.admittedBy.map(\.label),
                    change: Diagram.Change(rawValue: change.kind.rawValue)
                )
            )
        }
        if graph.nodes.count > maxNodes || graph.edges.count > maxEdges {
            throw Diagnostic(
                "the diff has \(graph.edges.count) changed flows between \(graph.nodes.count) nodes, more than netreach draws legibly (\(maxNodes) nodes, \(maxEdges) edges)",
                hint: "draw one question with --to, --from or --focus"
            )
        }
        graph.sort()
        return Diagram(
            title: "Changes: \(diff.summary) (network plugin: \(settings.name))",
            nodes: graph.nodes,
            edges: graph.edges,
            layout: LayoutEngine.choose(nodes: graph.nodes.count, edges: graph.edges.count)
        )
    }
}
