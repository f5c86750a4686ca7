internal import CGraphviz
package import KubeModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Output formats Graphviz renders for netreach.
package enum RenderFormat: String, Hashable, Sendable, CaseIterable {
    /// DOT text exactly as netreach writes it (no layout).
    case dot
    /// SVG with tooltips.
    case svg
    /// PNG (cairo).
    case png
    /// PDF (cairo).
    case pdf
}

/// What a render produced: the bytes and Graphviz's own warnings, caught instead of printed.
package struct RenderedDiagram: Sendable {
    /// The file content.
    package var bytes: [UInt8]
    /// Warnings Graphviz raised while laying out or rendering.
    package var warnings: [String]
}

/// Lays out and renders diagrams in-process with cgraph and libgvc. cgraph is not thread-safe, so every call
/// goes through one lock and one `GVC_t` serves the whole process.
package enum GraphvizRenderer {
    /// Renders `diagram` in `format` with the layout engine the diagram chose.
    /// - Throws: `Diagnostic` when Graphviz rejects the graph or the format.
    package static func render(_ diagram: Diagram, format: RenderFormat) throws(Diagnostic) -> RenderedDiagram {
        let text = DOTWriter.dot(diagram)
        if format == .dot { return RenderedDiagram(bytes: Array(text.utf8), warnings: []) }
        return try render(dot: text, engine: diagram.layout.rawValue, format: format.rawValue)
    }

    /// The renderers (`svg`, `png`, …) this Graphviz installation offers.
    package static func availableFormats() -> [String] {
        lock.withLock { state -> [String] in
            guard let gvc = state.context() else { return [] }
            var count: Int32 = 0
            guard let list = gvPluginList(gvc, "device", &count, nil) else { return [] }
            var names: [String] = []
            for i in 0..<Int(count) {
                if let entry = list[i] {
                    names.append(String(cString: entry).split(separator: ":").first.map(String.init) ?? "")
                    free(entry)
                }
            }
            free(list)
            return Array(Set(names)).sorted()
        }
    }

    static func render(dot text: String, engine: String, format: String) throws(Diagnostic) -> RenderedDiagram {
        let outcome: Result<RenderedDiagram, Diagnostic> = lock.withLock { state in
            guard let gvc = state.context() else {
                return .failure(Diagnostic("Graphviz could not start (gvContext failed)"))
            }
            messages.withLock { $0 = [] }
            _ = agseterr(AGWARN)
            let previous = agseterrf(collect)
            defer { _ = agseterrf(previous) }
            guard let graph = text.withCString({ agmemread($0) }) else {
                return .failure(
                    Diagnostic(
                        "Graphviz could not read the diagram: \(messages.withLock { $0.joined(separator: "; ") })"
                    )
                )
            }
            defer { agclose(graph) }
            guard gvLayout(gvc, graph, engine) == 0 else {
                return .failure(
                    Diagnostic(
                        "Graphviz layout '\(engine)' failed: \(messages.withLock { $0.joined(separator: "; ") })"
                    )
                )
            }
            // Graphviz 2.43's dot layout frees a pointer twice in gvFreeLayout for graphs with clusters and
            // labelled edges both ways (reproduced with valgrind from plain C, not only here). agclose alone is
            // clean; the layout records (tens of KB) then stay allocated until the process exits, which for a
            // command that renders once is harmless. Other engines are freed normally.
            defer { if engine != LayoutEngine.dot.rawValue { gvFreeLayout(gvc, graph) } }
            var data: UnsafeMutablePointer<CChar>?
            var length: UInt32 = 0
            guard gvRenderData(gvc, graph, format, &data, &length) == 0, let data else {
                return .failure(
                    Diagnostic(
                        "Graphviz cannot render '\(format)' here: \(messages.withLock { $0.joined(separator: "; ") })"
                    )
                )
            }
            defer { gvFreeRenderData(data) }
            let bytes = data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                Array(UnsafeBufferPointer(start: $0, count: Int(length)))
            }
            return .success(RenderedDiagram(bytes: bytes, warnings: messages.withLock { $0 }))
        }
        return try outcome.get()
    }

    private struct State: ~Copyable {
        private var gvc: OpaquePointer?

        init() {}

        mutating func context() -> OpaquePointer? {
            if gvc == nil { gvc = gvContext() }
            return gvc
        }
    }

    private static let lock = Mutex(State())
    private static let messages = Mutex<[String]>([])

    /// Receives Graphviz's messages (cgraph's `agseterrf`) so the library never prints.
    private static let collect: agusererrf = { message in
        guard let message else { return 0 }
        var text = String(cString: message)
        while text.last?.isNewline == true { text.removeLast() }
        if !text.isEmpty { messages.withLock { $0.append(text) } }
        return 0
    }
}
