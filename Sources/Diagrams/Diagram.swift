import KubeModel

/// A diagram as plain values: what to draw, before any layout. Golden tests compare this and its DOT text.
package struct Diagram: Hashable, Sendable {
    /// What a node stands for.
    package enum NodeKind: Hashable, Sendable {
        /// One or more endpoints with identical connectivity.
        case endpoints
        /// A whole namespace (namespace view).
        case namespace
        /// Addresses outside the cluster.
        case external
    }

    /// One box, ellipse or hexagon.
    package struct Node: Hashable, Sendable {
        /// A stable id, unique in the diagram.
        package var id: String
        /// The visible text; lines separated by `\n`.
        package var label: String
        /// What the node stands for.
        package var kind: NodeKind
        /// The namespace box the node sits in, if any.
        package var namespace: String?
        /// Everything the node stands for, one name per line (SVG shows it on hover).
        package var tooltip: String
        /// True for the endpoints a focus view is about.
        package var isFocus: Bool
        /// True when no policy isolates the node's endpoints for ingress.
        package var ingressOpen: Bool
    }

    /// One arrow: connections from one node to another.
    package struct Edge: Hashable, Sendable {
        /// Source node id.
        package var from: String
        /// Destination node id.
        package var to: String
        /// The allowed connections, as in `list`.
        package var label: String
        /// What protects the flows: rules on both sides, only the destination's rules, or nothing at the
        /// destination.
        package var protection: Protection
        /// True when the flows exist only because a side has no policy.
        package var isDefaultAllow: Bool { protection != .rules }
        /// How many endpoint-level flows the edge stands for.
        package var flowCount: Int
        /// The rules that admit the edge's first flow, as `NetworkPolicy ns/name, ingress rule 1`.
        package var rules: [String] = []
        /// In the diagram of a diff: what happened to the flow.
        package var change: Change? = nil
        /// Not a flow: a Service or a route that brings traffic from outside the cluster to the destination.
        package var isWayIn = false
        /// True when an admin or baseline rule (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
        /// ClusterNetworkPolicy) admits the flow at a hop: drawn bold, whatever the namespaces' policies say.
        package var isTierDecided: Bool {
            rules.contains { !$0.hasPrefix("NetworkPolicy ") }
        }
    }

    /// What a diff did to a flow.
    package enum Change: String, Hashable, Sendable {
        case added, removed, changed
    }

    /// What protects the flows of an edge, from the best case to the alarming one.
    package enum Protection: Int, Hashable, Sendable, Comparable {
        /// Rules allow both hops (drawn solid blue).
        case rules
        /// The source has no egress policy, but the destination's ingress rules admit it (drawn dotted amber): the
        /// destination chose its clients.
        case openEgress
        /// Nothing guards the destination: no ingress policy selects it, or it is outside the cluster and the source
        /// has no egress policy (drawn dashed red).
        case openIngress

        /// Best case first.
        package static func < (lhs: Protection, rhs: Protection) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The namespace overview as a grid, for more namespaces than a node-link drawing keeps legible: row may open
    /// connections to column, as `audit --isolation` prints it.
    package struct Matrix: Hashable, Sendable {
        /// How much a row may open to a column.
        package enum Mark: Hashable, Sendable {
            /// Nothing.
            case none
            /// Some protocols or ports.
            case some
            /// Every connection.
            case all
        }

        /// Namespaces, sorted: the rows and the columns.
        package var namespaces: [String]
        /// `marks[i][j]`: what `namespaces[i]` may open to `namespaces[j]`.
        package var marks: [[Mark]]
    }

    /// The heading drawn above the diagram.
    package var title: String
    /// Nodes, in a stable order.
    package var nodes: [Node]
    /// Edges, in a stable order.
    package var edges: [Edge]
    /// The Graphviz layout engine chosen for the diagram's size.
    package var layout: LayoutEngine
    /// Set instead of nodes and edges when the namespace overview is drawn as a grid.
    package var matrix: Matrix? = nil
}

/// Graphviz layout engines netreach uses.
package enum LayoutEngine: String, Hashable, Sendable {
    /// Hierarchical layout with namespace boxes and edge labels; only for small, sparse graphs.
    case dot
    /// Scalable force-directed layout; edge labels become tooltips.
    case sfdp

    /// `dot` (with edge labels) while it stays fast: up to 60 edges, up to 150 edges among at most 30 nodes
    /// (measured here: 30 nodes / 150 labelled edges 0.4 s, 40 / 200 2.4 s), or up to 200 edges with at most two
    /// per node; `sfdp` beyond. DESIGN.md: 100 nodes / 300 labelled edges took dot 34 s.
    package static func choose(nodes: Int, edges: Int) -> LayoutEngine {
        if edges <= 60 || (edges <= 150 && nodes <= 30) || (edges <= 200 && edges <= 2 * nodes) { return .dot }
        return .sfdp
    }
}
