package import KubeModel
package import Reachability

/// Which picture to draw.
package enum DiagramView: Hashable, Sendable {
    /// Every endpoint, grouped by namespace; endpoints with identical connectivity merged.
    case full
    /// One node per namespace; an edge wherever any flow crosses between two namespaces (or stays in one).
    case namespaces
    /// Everything that can reach these endpoints (indices into `cluster.endpoints`), with the ports.
    case to([Int])
    /// Everything these endpoints can reach.
    case from([Int])
}

/// Turns the engine's answer into a `Diagram`: aggregate first, then lay out (DESIGN.md).
package enum DiagramBuilder {
    /// The most nodes netreach draws; past it the diagram is unreadable and the layout slow.
    package static let maxNodes = 1500
    /// The most edges netreach draws.
    package static let maxEdges = 6000

    /// The most endpoint flows a diagram is built from; past it `build` refuses with advice.
    package static let maxFlows = 20_000_000

    /// Builds the diagram for a view; its title names the network-plugin settings.
    /// - Throws: `Diagnostic` when the cluster has more than `maxFlows` flows, or when the merged diagram is
    ///   still larger than `maxNodes` / `maxEdges`.
    package static func build(
        _ result: Reachability,
        view: DiagramView,
        maxNodes: Int = maxNodes,
        maxEdges: Int = maxEdges,
        maxFlows: Int = maxFlows
    ) throws(Diagnostic) -> Diagram {
        var diagram = try drawing(result, view: view, maxNodes: maxNodes, maxEdges: maxEdges, maxFlows: maxFlows)
        diagram.title += " (network plugin: \(result.model.settings.name))"
        return diagram
    }

    private static func drawing(
        _ result: Reachability,
        view: DiagramView,
        maxNodes: Int,
        maxEdges: Int,
        maxFlows: Int
    ) throws(Diagnostic) -> Diagram {
        // The views other than the namespace overview (which reads the class-level answer) are built from every
        // endpoint flow, within reason.
        func endpointFlows() throws(Diagnostic) -> [Flow] {
            guard result.flowCount <= maxFlows else {
                throw Diagnostic(
                    "the cluster has \(result.flowCount) flows between endpoints, more than netreach draws from (\(maxFlows))",
                    hint:
                        "draw the namespace overview (--namespaces, any size), part of the cluster (pass the manifests of "
                        + "some namespaces), or one question with --to or --from on part of it"
                )
            }
            return Array(result.flows)
        }
        let graph: Graph
        let title: String
        switch view {
        case .full:
            graph = withWaysIn(fullGraph(result, try endpointFlows()), result, into: nil)
            let endpoints = result.cluster.endpoints.count
            let namespaces = Set(result.cluster.endpoints.map(\.namespace)).count
            title =
                "Reachability of \(endpoints) \(endpoints == 1 ? "endpoint" : "endpoints") in \(namespaces) \(namespaces == 1 ? "namespace" : "namespaces")"
        case .namespaces:
            return try namespaces(result, maxNodes: maxNodes, maxEdges: maxEdges)
        case .to(let targets):
            graph = withWaysIn(
                focusGraph(result, try endpointFlows(), targets: targets, inbound: true),
                result,
                into: Set(targets)
            )
            title =
                "Who can reach \(targets.map { result.cluster.endpoints[$0].id }.sorted().joined(separator: ", "))"
                + (graph.edges.isEmpty ? ": nothing can" : "")
        case .from(let sources):
            graph = focusGraph(result, try endpointFlows(), targets: sources, inbound: false)
            title =
                "What \(sources.map { result.cluster.endpoints[$0].id }.sorted().joined(separator: ", ")) can reach"
                + (graph.edges.isEmpty ? ": nothing" : "")
        }
        return try diagram(
            graph,
            title: title,
            maxNodes: maxNodes,
            maxEdges: maxEdges,
            advice: "draw the namespace overview with --namespaces, or one question with --to or --from"
        )
    }

    /// The diagram of a merged graph, nodes and edges in a stable order, or a refusal with `advice` when it is
    /// still too large to draw legibly.
    private static func diagram(_ graph: Graph, title: String, maxNodes: Int, maxEdges: Int, advice: String)
        throws(Diagnostic) -> Diagram
    {
        if graph.nodes.count > maxNodes || graph.edges.count > maxEdges {
            throw Diagnostic(
                "the diagram would have \(graph.nodes.count) nodes and \(graph.edges.count) edges after merging, more than netreach draws legibly (\(maxNodes) nodes, \(maxEdges) edges)",
                hint: advice
            )
        }
        var graph = graph
        graph.sort()
        let layout = LayoutEngine.choose(nodes: graph.nodes.count, edges: graph.edges.count)
        return Diagram(title: title, nodes: graph.nodes, edges: graph.edges, layout: layout)
    }

    /// Past this many namespaces the overview is a grid: a node-link drawing of 50 namespaces is a hairball.
    package static let matrixAbove = 20

    /// The namespace overview: a node per namespace up to `matrixAbove` namespaces, a grid beyond.
    private static func namespaces(_ result: Reachability, maxNodes: Int, maxEdges: Int) throws(Diagnostic)
        -> Diagram
    {
        var isolation = Auditor.isolationMatrix(result)
        if isolation.namespaces.count > matrixAbove {
            // Thousands of namespaces: those with the same marks share a row (a grid of millions of cells is neither
            // drawn nor read).
            let total = isolation.namespaces.count
            if total > IsolationMatrix.mergeAbove { isolation = isolation.merged().matrix }
            let rows = isolation.namespaces.count
            let marks = isolation.namespaces.indices.map { i in
                isolation.namespaces.indices.map { j -> Diagram.Matrix.Mark in
                    let cell = isolation.connections(i, j)
                    return cell.isEmpty ? .none : cell.allowsAll ? .all : .some
                }
            }
            return Diagram(
                title: "Reachability between \(total) namespaces"
                    + (rows < total
                        ? " (\(rows) rows: namespaces with the same marks share one; audit --isolation lists them)"
                        : ""),
                nodes: [],
                edges: [],
                layout: .dot,
                matrix: Diagram.Matrix(namespaces: isolation.namespaces, marks: marks)
            )
        }
        return try diagram(
            namespaceGraph(result),
            title: "Reachability between namespaces",
            maxNodes: maxNodes,
            maxEdges: maxEdges,
            advice: "draw one question with --to or --from"
        )
    }

    // MARK: - Views

    private static func fullGraph(_ result: Reachability, _ flows: [Flow]) -> Graph {
        let peers = result.peers
        var initial: [String] = []
        for (index, peer) in peers.enumerated() {
            if let e = peer.endpointIndex {
                let isolation = result.isolation[e]
                initial.append(
                    "\(result.cluster.endpoints[e].namespace)|\(isolation.contains(.ingress))|\(isolation.contains(.egress))"
                )
            } else {
                initial.append("external|\(index)")
            }
        }
        let blocks = refine(result, initial: initial, flows: flows)
        return graph(result, blocks: blocks, flows: flows)
    }

    private static func focusGraph(_ result: Reachability, _ all: [Flow], targets: [Int], inbound: Bool) -> Graph {
        let focus = Set(targets)
        let flows = all.filter { focus.contains((inbound ? $0.destination : $0.source).index) }
        var keys: [String] = []
        var connectionText: [Int: [String]] = [:]
        for flow in flows {
            let other = inbound ? flow.source : flow.destination
            let anchor = inbound ? flow.destination : flow.source
            connectionText[other.index, default: []].append(
                "\(anchor.index):\(flow.connections):\(protection(flow, result))"
            )
        }
        for (index, peer) in result.peers.enumerated() {
            if focus.contains(index) {
                keys.append("focus|\(index)")
            } else if let e = peer.endpointIndex {
                let signature = (connectionText[index] ?? []).sorted().joined(separator: ";")
                keys.append("\(result.cluster.endpoints[e].namespace)|\(signature)")
            } else {
                keys.append("external|\(index)")
            }
        }
        let involved = Set(flows.flatMap { [$0.source.index, $0.destination.index] }).union(focus)
        var graph = graph(result, blocks: number(keys), flows: flows, keep: involved)
        for i in graph.nodes.indices where graph.members[i].allSatisfy(focus.contains) {
            graph.nodes[i].isFocus = true
        }
        return graph
    }

    /// One node per namespace (and one for addresses), from the class-level answer: any size of cluster.
    private static func namespaceGraph(_ result: Reachability) -> Graph {
        var graph = Graph()
        var nodeOf: [String: Int] = [:]
        func node(_ namespace: String?) -> Int {
            let key = namespace ?? "\u{1}external"
            if let existing = nodeOf[key] { return existing }
            nodeOf[key] = graph.nodes.count
            graph.nodes.append(
                .init(
                    id: key,
                    label: namespace ?? "external addresses",
                    kind: namespace == nil ? .external : .namespace,
                    namespace: nil,
                    tooltip: "",
                    isFocus: false,
                    ingressOpen: false
                )
            )
            graph.members.append([])
            return graph.nodes.count - 1
        }
        for (e, endpoint) in result.cluster.endpoints.enumerated() { graph.members[node(endpoint.namespace)].append(e) }
        var edges: [EdgeKey: (ConnectionSet, Int)] = [:]
        for flow in result.namespaceFlows() {
            let key = EdgeKey(
                from: node(flow.from),
                to: node(flow.to),
                protection: protection(open: flow.defaultAllow, towardsAddresses: flow.to == nil)
            )
            let current = edges[key] ?? (.none, 0)
            edges[key] = (current.0.union(flow.connections), current.1 + flow.count)
        }
        let addresses = result.peers.indices.filter { result.peers[$0].endpointIndex == nil }
        for i in graph.nodes.indices {
            if graph.nodes[i].kind == .external {
                graph.members[i] = addresses
                graph.nodes[i].tooltip = addresses.map { result.peers[$0].name }.sorted().joined(separator: "\n")
                continue
            }
            let members = graph.members[i]
            let open = members.filter { !result.isolation[$0].contains(.ingress) }.count
            graph.nodes[i].label =
                "\(graph.nodes[i].label)\n\(members.count) \(members.count == 1 ? "workload" : "workloads")"
                + (open > 0 ? ", \(open) without ingress policy" : "")
            graph.nodes[i].ingressOpen = open > 0
            graph.nodes[i].tooltip = members.map { result.peers[$0].name }.sorted().joined(separator: "\n")
        }
        graph.edges = Self.edges(edges, nodes: graph.nodes)
        return graph
    }

    // MARK: - Merging

    private struct EdgeKey: Hashable {
        var from: Int
        var to: Int
        var protection: Diagram.Protection
    }

    /// What protects one flow: an open ingress hop is the alarming case; an open egress hop towards an endpoint
    /// whose rules admit the source is the source's matter only; towards addresses, nothing guards the destination.
    static func protection(_ flow: Flow, _ result: Reachability) -> Diagram.Protection {
        protection(open: flow.defaultAllow, towardsAddresses: result.peers[flow.destination].endpointIndex == nil)
    }

    /// The protection of flows with these open hops, towards addresses outside the cluster or not.
    static func protection(open: Set<Direction>, towardsAddresses: Bool) -> Diagram.Protection {
        if open.contains(.ingress) { return .openIngress }
        guard open.contains(.egress) else { return .rules }
        return towardsAddresses ? .openIngress : .openEgress
    }

    /// Adds a flow to the merged edge `key`: the union of connections and the number of flows.
    private static func tally(_ flow: Flow, as key: EdgeKey, into edges: inout [EdgeKey: (ConnectionSet, Int)]) {
        let current = edges[key] ?? (.none, 0)
        edges[key] = (current.0.union(flow.connections), current.1 + 1)
    }

    /// The merged edges between `nodes`, labelled with their connections, with the rules `rules` names for each.
    private static func edges(
        _ merged: [EdgeKey: (ConnectionSet, Int)],
        nodes: [Diagram.Node],
        rules: (EdgeKey) -> [String] = { _ in [] }
    ) -> [Diagram.Edge] {
        merged.map { key, value in
            Diagram.Edge(
                from: nodes[key.from].id,
                to: nodes[key.to].id,
                label: value.0.description,
                protection: key.protection,
                flowCount: value.1,
                rules: rules(key)
            )
        }
    }

    /// The rules that admit a flow at either hop (the decisions' deciding rules), named for a tooltip.
    private static func admittingRules(_ flow: Flow, _ result: Reachability) -> [String] {
        let model = result.model
        let source = result.peers[flow.source]
        let destination = result.peers[flow.destination]
        func peer(_ p: Peer) -> HopPeer? {
            if let e = p.endpointIndex { return .endpoints(model.classOf(endpoint: e)) }
            return p.addresses.map { .addresses($0) }
        }
        var decisions: [Decision] = []
        if let s = source.endpointIndex, let to = peer(destination) {
            decisions.append(model.decide(.egress, at: model.classOf(endpoint: s), peer: to))
        }
        if let d = destination.endpointIndex, let from = peer(source) {
            decisions.append(model.decide(.ingress, at: model.classOf(endpoint: d), peer: from))
        }
        return decisions.flatMap { decision in
            decision.parts.filter { $0.verdict == .allow }.flatMap(\.rules).map { model.origin($0.rule).label }
        }
    }

    /// The graph with a node for each way in from outside the cluster (a LoadBalancer or NodePort Service, external
    /// IPs, an Ingress, Route or Gateway route, with its hosts) and a dashed arrow to each drawn endpoint it brings
    /// traffic to (of `into`, when given), labelled with the ports. Ways in are configuration, not flows: the flows
    /// are the addresses' and the ingress controller's arrows.
    private static func withWaysIn(_ graph: Graph, _ result: Reachability, into: Set<Int>?) -> Graph {
        var graph = graph
        var nodeOf: [Int: String] = [:]
        for (i, members) in graph.members.enumerated() {
            for peer in members where result.peers[peer].endpointIndex != nil { nodeOf[peer] = graph.nodes[i].id }
        }
        func drawn(_ e: Int) -> String? { into.map { $0.contains(e) } == false ? nil : nodeOf[e] }
        var ways: [(label: String, tooltip: String, targets: [(String, ConnectionSet)])] = []
        let cluster = result.cluster
        for (s, service) in cluster.services.enumerated() where service.isExposed {
            var targets: [String: ConnectionSet] = [:]
            for e in result.model.serviceEndpoints[s] {
                guard let node = drawn(e) else { continue }
                for port in service.ports {
                    targets[node, default: .none].formUnion(
                        ConnectionSet(port.networkProtocol, PortSet(port.port...port.port))
                    )
                }
            }
            guard !targets.isEmpty else { continue }
            let kind = service.type == "ClusterIP" ? "externalIPs" : service.type
            let ranges = service.sourceRanges.map(\.description)
            ways.append(
                (
                    "\(kind)\n\(service.id)",
                    "\(kind) Service \(service.id)"
                        + (ranges.isEmpty ? "" : "\nsource ranges: " + ranges.joined(separator: ", "))
                        + (service.externalIPs.isEmpty
                            ? "" : "\nexternal IPs: " + service.externalIPs.map(\.description).joined(separator: ", ")),
                    targets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                )
            )
        }
        var byWay: [WayIn: [String: ConnectionSet]] = [:]
        for (e, entries) in result.model.ingressByWay {
            guard let node = drawn(e) else { continue }
            for entry in entries where !entry.connections.isEmpty {
                byWay[entry.way, default: [:]][node, default: .none].formUnion(entry.connections)
            }
        }
        for (way, targets) in byWay.sorted(by: { ($0.key.kind.rawValue, $0.key.id) < ($1.key.kind.rawValue, $1.key.id) }
        ) {
            // A Gateway route without host names answers for its Gateways' listeners.
            let gateways = way.gateways.compactMap { id in cluster.gateways.first { $0.id == id } }
            let listenerHosts = gateways.flatMap { $0.listeners.compactMap(\.hostname) }
            let shownHosts = way.hosts.isEmpty ? Array(Set(listenerHosts)).sorted() : way.hosts
            let hosts =
                (shownHosts.isEmpty
                    ? "" : "\n" + shownHosts.prefix(2).joined(separator: ", ") + (shownHosts.count > 2 ? ", …" : ""))
                + (way.gateways.isEmpty ? "" : "\nvia Gateway " + way.gateways.joined(separator: ", "))
            ways.append(
                (
                    "\(way.kind.rawValue) \(way.id)\(hosts)",
                    "\(way.kind.rawValue) \(way.id)"
                        + (way.hosts.isEmpty ? "" : "\nhosts: " + way.hosts.joined(separator: ", ")),
                    targets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                )
            )
        }
        for (k, way) in ways.enumerated() {
            let id = "w\(k)"
            graph.nodes.append(
                Diagram.Node(
                    id: id,
                    label: way.label,
                    kind: .external,
                    namespace: nil,
                    tooltip: way.tooltip,
                    isFocus: false,
                    ingressOpen: false
                )
            )
            graph.members.append([])
            for (node, connections) in way.targets {
                var edge = Diagram.Edge(
                    from: id,
                    to: node,
                    label: connections.description,
                    protection: .rules,
                    flowCount: 0
                )
                edge.isWayIn = true
                graph.edges.append(edge)
            }
        }
        return graph
    }

    struct Graph {
        var nodes: [Diagram.Node] = []
        var edges: [Diagram.Edge] = []
        /// Peer indices behind each node.
        var members: [[Int]] = []

        /// Orders nodes by namespace and label, numbers them, and orders edges by their ends.
        mutating func sort() {
            let order = nodes.indices.sorted {
                (nodes[$0].namespace ?? "\u{10FFFF}", nodes[$0].label) < (
                    nodes[$1].namespace ?? "\u{10FFFF}", nodes[$1].label
                )
            }
            var rename: [String: String] = [:]
            var sorted: [Diagram.Node] = []
            for (position, index) in order.enumerated() {
                var node = nodes[index]
                let id = "n\(position)"
                rename[node.id] = id
                node.id = id
                sorted.append(node)
            }
            nodes = sorted
            edges = edges.map { edge in
                var edge = edge
                edge.from = rename[edge.from] ?? edge.from
                edge.to = rename[edge.to] ?? edge.to
                return edge
            }
            let rank = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element.id, $0.offset) })
            edges.sort {
                (rank[$0.from] ?? 0, rank[$0.to] ?? 0, $0.protection.rawValue) < (
                    rank[$1.from] ?? 0, rank[$1.to] ?? 0, $1.protection.rawValue
                )
            }
        }
    }

    /// Splits peers until every block's members have the same multiset of (block, connections, default-allow)
    /// neighbours in both directions: then one node can stand for the block without losing an answer.
    private static func refine(_ result: Reachability, initial: [String], flows: [Flow]) -> [Int] {
        let count = result.peers.count
        var connectionIDs: [ConnectionSet: Int] = [:]
        let connections = flows.map { flow -> Int in
            if let id = connectionIDs[flow.connections] { return id }
            connectionIDs[flow.connections] = connectionIDs.count
            return connectionIDs.count - 1
        }
        var blocks = number(initial)
        var blockCount = Set(blocks).count
        while true {
            var outgoing = Array(repeating: [Int](), count: count)
            var incoming = Array(repeating: [Int](), count: count)
            for (i, flow) in flows.enumerated() {
                let flag = protection(flow, result).rawValue
                outgoing[flow.source].append((blocks[flow.destination] << 21) | (connections[i] << 2) | flag)
                incoming[flow.destination].append((blocks[flow.source] << 21) | (connections[i] << 2) | flag)
            }
            var ids: [[Int]: Int] = [:]
            var next = Array(repeating: 0, count: count)
            for peer in 0..<count {
                let signature = [blocks[peer], -1] + outgoing[peer].sorted() + [-2] + incoming[peer].sorted()
                if let id = ids[signature] {
                    next[peer] = id
                } else {
                    ids[signature] = ids.count
                    next[peer] = ids.count - 1
                }
            }
            blocks = next
            if ids.count == blockCount { return blocks }
            blockCount = ids.count
        }
    }

    private static func number(_ keys: [String]) -> [Int] {
        var ids: [String: Int] = [:]
        return keys.map { key in
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
    }

    /// One node per block (only blocks with a peer in `keep`, when given), edges merged per block pair.
    private static func graph(_ result: Reachability, blocks: [Int], flows: [Flow], keep: Set<Int>? = nil) -> Graph {
        var membersOf: [Int: [Int]] = [:]
        for (peer, block) in blocks.enumerated() where keep?.contains(peer) ?? true {
            membersOf[block, default: []].append(peer)
        }
        var graph = Graph()
        var nodeOfBlock: [Int: Int] = [:]
        for (block, members) in membersOf.sorted(by: { $0.key < $1.key }) {
            nodeOfBlock[block] = graph.nodes.count
            graph.nodes.append(node(result, members: members, id: "b\(block)"))
            graph.members.append(members)
        }
        var edges: [EdgeKey: (ConnectionSet, Int)] = [:]
        var samples: [EdgeKey: [Flow]] = [:]
        for flow in flows {
            guard let from = nodeOfBlock[blocks[flow.source]], let to = nodeOfBlock[blocks[flow.destination]] else {
                continue
            }
            let key = EdgeKey(from: from, to: to, protection: protection(flow, result))
            Self.tally(flow, as: key, into: &edges)
            if samples[key] == nil { samples[key] = [flow] }
        }
        graph.edges = Self.edges(edges, nodes: graph.nodes) { key in
            Array(Set((samples[key] ?? []).flatMap { admittingRules($0, result) })).sorted()
        }
        return graph
    }

    /// A range as people write it: `any IPv4 address`, CIDR blocks when it is made of at most two, else `first-last`.
    static func readable(_ range: IPRange) -> [String] {
        if range.bounds == 0...range.family.maxAddress {
            return ["any \(range.family == .v4 ? "IPv4" : "IPv6") address"]
        }
        var blocks: [String] = []
        var start = range.bounds.lowerBound
        while start <= range.bounds.upperBound, blocks.count < 2 {
            var size = range.family.bits
            // A block one bit shorter must still be a part of the family (the whole family is the case above):
            // for IPv6 a /0 span would not fit in 128 bits.
            while size > 1 || (size == 1 && range.family.bits < 128) {
                let span = UInt128(1) << UInt128(range.family.bits - size + 1)
                let mask = span - 1
                guard start & mask == 0, start + mask <= range.bounds.upperBound else { break }
                size -= 1
            }
            let last = start + ((UInt128(1) << UInt128(range.family.bits - size)) - 1)
            blocks.append("\(IPAddress(family: range.family, value: start))/\(size)")
            if last == range.bounds.upperBound { return blocks }
            start = last + 1
        }
        return [range.description]
    }

    private static func node(_ result: Reachability, members: [Int], id: String) -> Diagram.Node {
        guard let first = members.first, let e = result.peers[first].endpointIndex else {
            let ranges = members.compactMap { peer -> IPSet? in
                if case .external(let set) = result.peers[peer].kind { return set }
                return nil
            }.flatMap(\.ranges).flatMap(readable)
            let shown = ranges.count > 4 ? ranges.prefix(3) + ["+\(ranges.count - 3) more ranges"] : ranges[...]
            // Peers that are neither endpoints nor addresses (the ingress controller) by name.
            let named = members.filter {
                result.peers[$0].endpointIndex == nil && result.peers[$0].addresses == nil
            }.map { result.peers[$0].name }
            return .init(
                id: id,
                label: (named + shown).joined(separator: "\n"),
                kind: .external,
                namespace: nil,
                tooltip: ranges.joined(separator: "\n"),
                isFocus: false,
                ingressOpen: false
            )
        }
        let endpoints = members.compactMap { result.peers[$0].endpointIndex }.map { result.cluster.endpoints[$0] }
            .sorted { $0.id < $1.id }
        let namespace = result.cluster.endpoints[e].namespace
        let label: String
        if endpoints.count == 1 {
            label = "\(endpoints[0].name)\n[\(endpoints[0].kind)]"
        } else {
            let shown =
                endpoints.count > 3
                ? endpoints.prefix(2).map(\.name) + ["+\(endpoints.count - 2) more"] : endpoints.map(\.name)
            label = "\(shown.joined(separator: ", "))\n(\(endpoints.count) workloads)"
        }
        return .init(
            id: id,
            label: label,
            kind: .endpoints,
            namespace: namespace,
            tooltip: endpoints.map(\.id).joined(separator: "\n"),
            isFocus: false,
            ingressOpen: !result.isolation[e].contains(.ingress)
        )
    }
}
