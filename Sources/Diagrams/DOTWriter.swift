import KubeModel

/// Writes a `Diagram` as Graphviz DOT text: deterministic, so it can be golden-tested and diffed.
package enum DOTWriter {
    /// Colours and shapes, kept in one place so the legend always matches the drawing.
    enum Style {
        static let ruleEdge = "#1f4e79"
        static let defaultEdge = "#c0392b"
        static let openEgressEdge = "#b9770e"
        static let wayInEdge = "#6c7a89"
        static let endpointFill = "#e8f1fb"
        static let openFill = "#fdecea"
        static let someFill = "#fdebd0"
        static let focusFill = "#ffd966"
        static let externalFill = "#eeeeee"
        static let namespaceBorder = "#8c8c8c"
        static let addedEdge = "#1e8449"
        static let removedEdge = "#c0392b"
        static let changedEdge = "#ca6f1e"
    }

    /// The DOT text of a diagram.
    package static func dot(_ diagram: Diagram) -> String {
        if let matrix = diagram.matrix { return dot(matrix, title: diagram.title) }
        let labels = diagram.layout == .dot
        var out = "digraph netreach {\n"
        out +=
            "  graph [label=\(heading(diagram)), labelloc=t, fontname=\"Helvetica\", fontsize=10, layout=\(diagram.layout.rawValue)"
        out +=
            diagram.layout == .dot
            ? ", rankdir=LR, nodesep=0.3, ranksep=0.8" : ", overlap=prism, outputorder=edgesfirst"
        out += "];\n"
        out +=
            "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", fillcolor=\"\(Style.endpointFill)\"];\n"
        out +=
            "  edge [fontname=\"Helvetica\", fontsize=9, color=\"\(Style.ruleEdge)\", fontcolor=\"\(Style.ruleEdge)\"];\n"
        var byNamespace: [String: [Diagram.Node]] = [:]
        var loose: [Diagram.Node] = []
        for node in diagram.nodes {
            if let namespace = node.namespace {
                byNamespace[namespace, default: []].append(node)
            } else {
                loose.append(node)
            }
        }
        for (namespace, nodes) in byNamespace.sorted(by: { $0.key < $1.key }) {
            out += "  subgraph \(quote("cluster_" + namespace)) {\n"
            out +=
                "    label=\(quote(namespace)); style=rounded; color=\"\(Style.namespaceBorder)\"; fontname=\"Helvetica\"; fontsize=11;\n"
            for node in nodes { out += "    " + line(node) + "\n" }
            out += "  }\n"
        }
        for node in loose { out += "  " + line(node) + "\n" }
        // Two arrows between the same nodes in opposite directions are drawn on one line, their labels on top of
        // each other: the second is written in the first one's direction, pointing back, so dot draws them as
        // parallel arrows with a label each.
        let pairs = Set(diagram.edges.map { [$0.from, $0.to] })
        var oriented = Set<[String]>()
        for edge in diagram.edges {
            var attributes: [String] = []
            var ends = (edge.from, edge.to)
            if edge.from != edge.to, pairs.contains([edge.to, edge.from]), oriented.contains([edge.to, edge.from]) {
                ends = (edge.to, edge.from)
                attributes.append("dir=back")
            }
            oriented.insert([edge.from, edge.to])
            let why: String
            switch edge.protection {
            case .rules: why = ""
            case .openEgress: why = ", the source has no egress policy; the destination's rules admit it"
            case .openIngress: why = ", default-allow: nothing guards the destination"
            }
            let shown = edge.rules.prefix(4) + (edge.rules.count > 4 ? ["+\(edge.rules.count - 4) more"] : [])
            let admitted = edge.rules.isEmpty ? "" : "\nadmitted by " + shown.joined(separator: "\n")
            let tip = "\(edge.label) (\(edge.flowCount) \(edge.flowCount == 1 ? "flow" : "flows")\(why))\(admitted)"
            attributes.append(labels ? "label=\(quote(edge.label))" : "tooltip=\(quote(tip))")
            if labels { attributes.append("tooltip=\(quote(tip))") }
            switch edge.protection {
            case .rules: break
            case .openEgress:
                attributes.append(
                    "color=\"\(Style.openEgressEdge)\", fontcolor=\"\(Style.openEgressEdge)\", style=dotted, penwidth=1.5"
                )
            case .openIngress:
                attributes.append("color=\"\(Style.defaultEdge)\", fontcolor=\"\(Style.defaultEdge)\", style=dashed")
            }
            if edge.isTierDecided { attributes.append("penwidth=3") }
            if edge.isWayIn {
                attributes.append(
                    "color=\"\(Style.wayInEdge)\", fontcolor=\"\(Style.wayInEdge)\", style=dashed, arrowhead=empty"
                )
            }
            switch edge.change {
            case nil: break
            case .added?:
                attributes.append("color=\"\(Style.addedEdge)\", fontcolor=\"\(Style.addedEdge)\", penwidth=1.5")
            case .removed?:
                attributes.append("color=\"\(Style.removedEdge)\", fontcolor=\"\(Style.removedEdge)\", style=dashed")
            case .changed?:
                attributes.append("color=\"\(Style.changedEdge)\", fontcolor=\"\(Style.changedEdge)\", penwidth=1.5")
            }
            out += "  \(quote(ends.0)) -> \(quote(ends.1)) [\(attributes.joined(separator: ", "))];\n"
        }
        out += "}\n"
        return out
    }

    /// The namespace grid: one HTML-like table, rows opening connections to columns, marked and coloured as
    /// `audit --isolation` prints it (● every connection, ◐ some ports, · none).
    private static func dot(_ matrix: Diagram.Matrix, title: String) -> String {
        func cell(_ mark: Diagram.Matrix.Mark) -> String {
            switch mark {
            case .none: return "<td>&#xB7;</td>"
            case .some: return "<td bgcolor=\"\(Style.someFill)\">&#x25D0;</td>"
            case .all:
                return "<td bgcolor=\"\(Style.openFill)\"><font color=\"\(Style.defaultEdge)\">&#x25CF;</font></td>"
            }
        }
        var table = "<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
        table +=
            "<tr><td border=\"0\" colspan=\"\(matrix.namespaces.count + 1)\"><font point-size=\"14\">\(escapeHTML(title))</font></td></tr>"
        table +=
            "<tr><td border=\"0\" colspan=\"\(matrix.namespaces.count + 1)\">row may open connections to column: &#x25CF; all, &#x25D0; some ports, &#xB7; none</td></tr>"
        table += "<tr><td border=\"0\" align=\"right\">from \\ to</td>"
        for (j, _) in matrix.namespaces.enumerated() { table += "<td border=\"0\">\(j + 1)</td>" }
        table += "</tr>"
        for (i, namespace) in matrix.namespaces.enumerated() {
            table += "<tr><td border=\"0\" align=\"right\">\(escapeHTML(namespace)) \(i + 1)</td>"
            table += matrix.marks[i].map(cell).joined()
            table += "</tr>"
        }
        table += "</table>>"
        var out = "digraph netreach {\n"
        out += "  graph [fontname=\"Helvetica\", fontsize=10, layout=dot];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, shape=plaintext];\n"
        out += "  matrix [label=\(table)];\n"
        out += "}\n"
        return out
    }

    private static func line(_ node: Diagram.Node) -> String {
        var attributes = [
            "label=\(quote(node.label))", "tooltip=\(quote(node.tooltip.isEmpty ? node.label : node.tooltip))",
        ]
        switch node.kind {
        case .external:
            attributes.append("shape=hexagon, style=filled, fillcolor=\"\(Style.externalFill)\"")
        case .namespace:
            attributes.append("shape=box3d, style=filled")
            if node.ingressOpen { attributes.append("fillcolor=\"\(Style.openFill)\"") }
        case .endpoints:
            if node.isFocus {
                attributes.append("fillcolor=\"\(Style.focusFill)\", penwidth=2")
            } else if node.ingressOpen {
                attributes.append(
                    "fillcolor=\"\(Style.openFill)\", color=\"\(Style.defaultEdge)\", style=\"rounded,filled,dashed\""
                )
            }
        }
        return "\(quote(node.id)) [\(attributes.joined(separator: ", "))];"
    }

    /// The title and, below it, a one-row key with only the entries the diagram uses, as one HTML-like graph
    /// label: compact, and drawn the same by dot and sfdp (which ignores clusters).
    static func heading(_ diagram: Diagram) -> String {
        var cells: [String] = []
        let changes = Set(diagram.edges.compactMap(\.change))
        for (change, color, text) in [
            (Diagram.Change.added, Style.addedEdge, "&#x2501;&#x2501;&#x25B6; added"),
            (.removed, Style.removedEdge, "&#x254C;&#x254C;&#x25B6; removed"),
            (.changed, Style.changedEdge, "&#x2501;&#x2501;&#x25B6; changed: old &#x2192; new"),
        ] where changes.contains(change) {
            cells.append("<td><font color=\"\(color)\">\(text)</font></td>")
        }
        if diagram.edges.contains(where: { $0.protection == .rules && $0.change == nil }) {
            cells.append(
                "<td><font color=\"\(Style.ruleEdge)\">&#x2501;&#x2501;&#x25B6; allowed by rules on both sides</font></td>"
            )
        }
        if diagram.edges.contains(where: { $0.protection == .openEgress }) {
            cells.append(
                "<td><font color=\"\(Style.openEgressEdge)\">&#x2508;&#x2508;&#x25B6; admitted by the destination's rules; the source has no egress policy</font></td>"
            )
        }
        if diagram.edges.contains(where: { $0.protection == .openIngress }) {
            cells.append(
                "<td><font color=\"\(Style.defaultEdge)\">&#x254C;&#x254C;&#x25B6; unprotected: nothing guards the destination</font></td>"
            )
        }
        if diagram.edges.contains(where: \.isTierDecided) {
            cells.append("<td><b>&#x2501;&#x2501;&#x25B6; bold: an admin or baseline rule admits it</b></td>")
        }
        if diagram.edges.contains(where: \.isWayIn) {
            cells.append(
                "<td><font color=\"\(Style.wayInEdge)\">&#x254C;&#x254C;&#x25B7; a way in: the Service or route that brings outside traffic</font></td>"
            )
        }
        if diagram.nodes.contains(where: \.ingressOpen) {
            let what =
                diagram.nodes.contains { $0.kind == .namespace }
                ? "has endpoints without ingress policy" : "no ingress policy"
            cells.append("<td bgcolor=\"\(Style.openFill)\" border=\"1\" color=\"\(Style.defaultEdge)\"> \(what) </td>")
        }
        if diagram.nodes.contains(where: { $0.kind == .external }) {
            cells.append("<td bgcolor=\"\(Style.externalFill)\" border=\"1\"> hexagon: outside the cluster </td>")
        }
        if diagram.nodes.contains(where: \.isFocus) {
            cells.append("<td bgcolor=\"\(Style.focusFill)\" border=\"1\"> what the question is about </td>")
        }
        var html = "<<table border=\"0\" cellspacing=\"6\" cellpadding=\"2\">"
        html +=
            "<tr><td colspan=\"\(max(cells.count, 1))\"><font point-size=\"14\">\(escapeHTML(diagram.title))</font></td></tr>"
        if !cells.isEmpty { html += "<tr>" + cells.joined() + "</tr>" }
        return html + "</table>>"
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for character in text.escapedForDisplay {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A DOT string literal; newlines become `\n` line breaks, and other characters that must not reach a
    /// terminal or a viewer raw are escaped for display.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.needsDisplayEscape:
                for escaped in String(scalar).escapedForDisplay.unicodeScalars {
                    out += escaped == "\\" ? "\\\\" : String(escaped)
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
