import KubeModel

/// Writes a `Diagram` as Graphviz DOT text: deterministic, so it can be golden-tested and diffed.
package enum DOTWriter {
    /// Colours and shapes, kept in one place so the legend always matches the drawing.
    enum Style {
        static let ruleEdge = "#1f4e79"
        static let defaultEdge = "#c0392b"
        static let endpointFill = "#e8f1fb"
        static let openFill = "#fdecea"
        static let focusFill = "#ffd966"
        static let externalFill = "#eeeeee"
        static let namespaceBorder = "#8c8c8c"
    }

    /// The DOT text of a diagram.
    package static func dot(_ diagram: Diagram) -> String {
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
        for edge in diagram.edges {
            var attributes: [String] = []
            let tip =
                "\(edge.label) (\(edge.flowCount) \(edge.flowCount == 1 ? "flow" : "flows")\(edge.isDefaultAllow ? ", default-allow" : ""))"
            attributes.append(labels ? "label=\(quote(edge.label))" : "tooltip=\(quote(tip))")
            if labels { attributes.append("tooltip=\(quote(tip))") }
            if edge.isDefaultAllow {
                attributes.append("color=\"\(Style.defaultEdge)\", fontcolor=\"\(Style.defaultEdge)\", style=dashed")
            }
            out += "  \(quote(edge.from)) -> \(quote(edge.to)) [\(attributes.joined(separator: ", "))];\n"
        }
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
        if diagram.edges.contains(where: { !$0.isDefaultAllow }) {
            cells.append("<td><font color=\"\(Style.ruleEdge)\">&#x2501;&#x2501;&#x25B6; allowed by a rule</font></td>")
        }
        if diagram.edges.contains(where: \.isDefaultAllow) {
            cells.append(
                "<td><font color=\"\(Style.defaultEdge)\">&#x254C;&#x254C;&#x25B6; default-allow: no policy on a side</font></td>"
            )
        }
        if diagram.nodes.contains(where: \.ingressOpen) {
            let what =
                diagram.nodes.contains { $0.kind == .namespace }
                ? "has endpoints without ingress policy" : "no ingress policy"
            cells.append("<td bgcolor=\"\(Style.openFill)\" border=\"1\" color=\"\(Style.defaultEdge)\"> \(what) </td>")
        }
        if diagram.nodes.contains(where: { $0.kind == .external }) {
            cells.append("<td bgcolor=\"\(Style.externalFill)\" border=\"1\"> hexagon: external addresses </td>")
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
