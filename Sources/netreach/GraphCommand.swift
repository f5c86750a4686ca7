import ArgumentParser
import Diagrams
import KubeModel
import Reachability

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the reachability with Graphviz: the whole cluster, namespaces, or who reaches one workload.",
        discussion: """
            Endpoints with identical connectivity are merged into one node; red dashed arrows are default-allow \
            (a side has no policy). The format follows the output file's extension (.dot, .svg, .png, .pdf) unless \
            --format says otherwise; without -o the DOT text goes to standard output.

            Examples:
              netreach graph k8s/ -o cluster.svg
              netreach graph k8s/ --to db/postgres -o who-reaches-db.png
              netreach graph k8s/ --namespaces -o namespaces.svg
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "Output file; written atomically.")
    var output: String?

    @Option(help: "Output format: dot, svg, png or pdf (default: from the extension of -o, else dot).")
    var format: String?

    @Option(
        help: "Draw who can reach X: namespace/name, namespace/name[Kind], or a label selector such as app=postgres."
    )
    var to: String?

    @Option(help: "Draw what X can reach (same forms as --to).")
    var from: String?

    @Option(
        name: [.customShort("l"), .customLong("selector")],
        help: "Same as --to with a label selector, e.g. -l app=postgres."
    )
    var selector: String?

    @Flag(help: "One node per namespace.")
    var namespaces = false

    func validate() throws {
        let views = [to != nil || selector != nil, from != nil, namespaces].filter { $0 }.count
        if views > 1 { throw ValidationError("choose one of --to/-l, --from, --namespaces") }
        if to != nil && selector != nil { throw ValidationError("use either --to or -l, not both") }
    }

    func run() throws {
        let renderFormat = try chooseFormat()
        let loaded = try input.load()
        let result = input.compile(loaded).answer()
        defer { Console.keepUntilExit((loaded, result)) }
        let view: DiagramView
        if namespaces {
            view = .namespaces
        } else if let target = to ?? selector {
            view = .to(try resolve(target, in: loaded.cluster, option: to != nil ? "--to" : "-l"))
        } else if let source = from {
            view = .from(try resolve(source, in: loaded.cluster, option: "--from"))
        } else {
            view = .full
        }
        let rendered: RenderedDiagram
        do throws(Diagnostic) {
            let diagram = try DiagramBuilder.build(result, view: view)
            rendered = try GraphvizRenderer.render(diagram, format: renderFormat)
        } catch {
            throw Console.failure(error)
        }
        if !input.quiet {
            for warning in rendered.warnings { Console.error("warning: graphviz: \(warning.escapedForDisplay)") }
        }
        try Console.emit(to: output, inputs: loaded.inputs) { $0.write(bytes: rendered.bytes) }
    }

    private func chooseFormat() throws -> RenderFormat {
        if let format {
            guard let chosen = RenderFormat(rawValue: format.lowercased()) else {
                throw Console.failure(
                    Diagnostic(
                        "unknown diagram format '\(format)'",
                        hint: "use dot, svg, png or pdf"
                    )
                )
            }
            return chosen
        }
        guard let output else { return .dot }
        let name = output.split(separator: "/").last.map(String.init) ?? output
        guard let dot = name.lastIndex(of: "."),
            let chosen = RenderFormat(rawValue: name[name.index(after: dot)...].lowercased())
        else {
            throw Console.failure(
                "\(output): error: cannot tell the diagram format from the file name\n  hint: end it in .dot, .svg, .png or .pdf, or pass --format"
            )
        }
        return chosen
    }

    private func resolve(_ text: String, in cluster: Cluster, option: String) throws -> [Int] {
        let query: EndpointQuery
        do {
            query = try EndpointQuery(text)
        } catch {
            throw Console.failure(error)
        }
        let matches = query.matchingEndpoints(in: cluster)
        if matches.isEmpty {
            let close = query.suggestions(in: cluster)
            let hint =
                close.isEmpty
                ? "run 'netreach list' to see the endpoint names (namespace/name[Kind])"
                : "did you mean \(close.joined(separator: ", "))?"
            throw Console.failure(Diagnostic("\(option) '\(text)' matches no endpoint", hint: hint))
        }
        return matches
    }
}
