import KubeModel

/// A diagram as plain values: what to draw, before any layout. Golden tests compare this and its DOT text.
public struct Diagram: Hashable, Sendable {
    /// What a node stands for.
    public enum NodeKind: Hashable, Sendable {
        /// One or more endpoints with identical connectivity.
        case endpoints
        /// A whole namespace (namespace view).
        case namespace
        /// Addresses outside the cluster.
        case external
    }

    /// One box, ellipse or hexagon.
    public struct Node: Hashable, Sendable {
        /// A stable id, unique in the diagram.
        public var id: String
        /// The visible text; lines separated by `\n`.
        public var label: String
        /// What the node stands for.
        public var kind: NodeKind
        /// The namespace box the node sits in, if any.
        public var namespace: String?
        /// Everything the node stands for, one name per line (SVG shows it on hover).
        public var tooltip: String
        /// True for the endpoints a focus view is about.
        public var isFocus: Bool
        /// True when no policy isolates the node's endpoints for ingress.
        public var ingressOpen: Bool
    }

    /// One arrow: connections from one node to another.
    public struct Edge: Hashable, Sendable {
        /// Source node id.
        public var from: String
        /// Destination node id.
        public var to: String
        /// The allowed connections, as in `list`.
        public var label: String
        /// True when the flows exist only because a side has no policy (drawn red and dashed).
        public var isDefaultAllow: Bool
        /// How many endpoint-level flows the edge stands for.
        public var flowCount: Int
    }

    /// The heading drawn above the diagram.
    public var title: String
    /// Nodes, in a stable order.
    public var nodes: [Node]
    /// Edges, in a stable order.
    public var edges: [Edge]
    /// The Graphviz layout engine chosen for the diagram's size.
    public var layout: LayoutEngine
}

/// Graphviz layout engines netreach uses.
public enum LayoutEngine: String, Hashable, Sendable {
    /// Hierarchical layout with namespace boxes and edge labels; only for small, sparse graphs.
    case dot
    /// Scalable force-directed layout; edge labels become tooltips.
    case sfdp

    /// `dot` (with edge labels) while it stays fast: up to 60 edges, up to 150 edges among at most 30 nodes
    /// (measured here: 30 nodes / 150 labelled edges 0.4 s, 40 / 200 2.4 s), or up to 200 edges with at most two
    /// per node; `sfdp` beyond. DESIGN.md: 100 nodes / 300 labelled edges took dot 34 s.
    public static func choose(nodes: Int, edges: Int) -> LayoutEngine {
        if edges <= 60 || (edges <= 150 && nodes <= 30) || (edges <= 200 && edges <= 2 * nodes) { return .dot }
        return .sfdp
    }
}

/// A diagram that cannot be drawn, with what to do instead.
public struct DiagramError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// What to do.
    public var hint: String?

    /// Creates an error.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// `error: message`, then the hint.
    public var description: String {
        DiagnosticText.render("error", message, hint: hint)
    }
}
