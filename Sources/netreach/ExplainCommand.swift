import ArgumentParser
import KubeModel
import Reachability
import Reports

/// netpol-analyzer's focus options, for `list` (and `list --explain`).
struct FocusOptions: ParsableArguments {
    @Option(
        name: .customLong("focus"),
        help: ArgumentHelp(
            "Only pairs that involve W: 'name' (that name in any namespace) or 'namespace/name'. Repeatable.",
            valueName: "W"
        )
    )
    var workloads: [String] = []

    @Option(
        name: .customLong("focus-peer"),
        help: ArgumentHelp("Only pairs between the --focus workloads and W (same forms). Repeatable.", valueName: "W")
    )
    var peers: [String] = []

    @Option(name: .customLong("focus-direction"), help: "Only flows into (ingress) or out of (egress) the focus.")
    var direction: FocusDirection?

    @Option(name: .customLong("focus-conn"), help: "Only this connection, as protocol-port: tcp-80, udp-53.")
    var connection: String?

    enum FocusDirection: String, ExpressibleByArgument {
        case ingress, egress
    }

    func validate() throws {
        if workloads.isEmpty, !peers.isEmpty || direction != nil {
            throw ValidationError("--focus-peer and --focus-direction need --focus")
        }
        if let connection, Self.parseConnection(connection) == nil {
            throw ValidationError(
                "--focus-conn '\(connection.escapedForDisplay)' is not protocol-port: write tcp-80, udp-53 or sctp-9000"
            )
        }
    }

    /// `tcp-80` as a connection set, or nil.
    static func parseConnection(_ text: String) -> ConnectionSet? {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let protocolName = NetworkProtocol(rawValue: parts[0].uppercased()),
            let port = Int(parts[1]), (1...65535).contains(port)
        else { return nil }
        return ConnectionSet(protocolName, PortSet(port...port))
    }

    /// The focus, after checking that every name matches an endpoint (exit 2 with suggestions otherwise).
    func focus(in cluster: Cluster) throws -> Focus {
        var focus = Focus()
        focus.workloads = workloads
        focus.peers = peers
        focus.direction = direction.map { $0 == .ingress ? .ingress : .egress }
        focus.connection = connection.flatMap(Self.parseConnection)
        if let unknown = focus.unmatched(in: cluster).first {
            throw Console.failure(
                Diagnostic(
                    "focus '\(unknown)' matches no workload",
                    hint: Suggestions.hint(for: unknown, in: cluster)
                )
            )
        }
        return focus
    }
}

/// "did you mean" for a name that matches no endpoint (the suggestions of `EndpointQuery`, as graph gives them).
enum Suggestions {
    static func hint(for text: String, in cluster: Cluster) -> String {
        let close = (try? EndpointQuery(text))?.suggestions(in: cluster, limit: 3) ?? []
        return close.isEmpty
            ? "run 'netreach list' to see the endpoint names (namespace/name[Kind])"
            : "did you mean \(close.joined(separator: ", "))?"
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one pair: every slice of its connections, allowed or denied, and the rules that decide it.",
        discussion: """
            SOURCE and DESTINATION are namespace/name (or namespace/name[Kind]) or an address or CIDR outside the \
            cluster (0.0.0.0/0, 10.1.2.3). Each side (egress at the source, ingress at the destination) names the \
            policy, the rule and its file:line:column.

            Examples:
              netreach explain frontend/web db/postgres k8s/
              netreach explain db/postgres 0.0.0.0/0 k8s/ -o json
            """
    )

    @Argument(help: "The source: namespace/name, or an address or CIDR.")
    var source: String

    @Argument(help: "The destination: namespace/name, or an address or CIDR.")
    var destination: String

    @OptionGroup var input: InputOptions

    @Option(help: "Only this connection: 5432/TCP, 53/UDP, or a bare number (TCP).")
    var port: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: txt, json or md.")
    var format: String = "txt"

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    func validate() throws {
        guard ["txt", "json", "md"].contains(format) else {
            throw ValidationError("-o '\(format.escapedForDisplay)': use txt, json or md")
        }
    }

    /// `5432/TCP`, `53/udp` or `80` (TCP) as a connection set, or nil.
    static func parsePort(_ text: String) -> ConnectionSet? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let number = Int(parts[0]), (1...65535).contains(number) else {
            return nil
        }
        let name = parts.count == 2 ? parts[1].uppercased() : "TCP"
        guard let networkProtocol = NetworkProtocol(rawValue: name) else { return nil }
        return ConnectionSet(networkProtocol, PortSet(number...number))
    }

    func run() throws {
        if let port, Self.parsePort(port) == nil {
            throw Console.failure(
                Diagnostic(
                    "--port '\(port.escapedForDisplay)' is not a port",
                    hint: "write 5432/TCP, 53/UDP, 9000/SCTP, or a bare number for TCP"
                )
            )
        }
        let loaded = try input.load()
        let model = input.compile(loaded)
        defer { Console.keepUntilExit((loaded, model)) }
        let from = try end(source, in: model, what: "source")
        let to = try end(destination, in: model, what: "destination")
        if case .addresses = from.end, case .addresses = to.end {
            throw Console.failure(
                Diagnostic(
                    "both sides are addresses outside the cluster; no policy governs traffic between them",
                    hint: "name a workload on one side: namespace/name"
                )
            )
        }
        var pairs: [ExplainedPair] = []
        switch (from.end, to.end) {
        case (.addresses(let set), .endpoints):
            // The addresses are cut where the destination's rules tell them apart: one pair per explanation.
            for (addresses, slices) in model.addressGroups(.ingress, endpoint: to.index ?? 0, within: set) {
                pairs.append(ExplainedPair(source: addresses.description, destination: to.name, slices: slices))
            }
        case (.endpoints, .addresses(let set)):
            for (addresses, slices) in model.addressGroups(.egress, endpoint: from.index ?? 0, within: set) {
                pairs.append(ExplainedPair(source: from.name, destination: addresses.description, slices: slices))
            }
        default:
            pairs = [
                ExplainedPair(
                    source: from.name,
                    destination: to.name,
                    slices: model.explain(from: from.end, to: to.end)
                )
            ]
        }
        if let only = port.flatMap(Self.parsePort) {
            pairs = pairs.map { pair in
                var pair = pair
                pair.slices = pair.slices.compactMap { $0.restricted(to: only) }
                return pair
            }
        }
        let report = ReportFormat(name: format) ?? .txt
        try Console.emit(to: file, inputs: loaded.inputs) { out in
            ExplainReport.write(model, format: report, pairs: { body in pairs.forEach(body) }, to: &out)
        }
    }

    /// A side of the pair: one endpoint (by name, with its index), or addresses (an IP or CIDR).
    private func end(_ text: String, in model: ClassModel, what: String) throws
        -> (end: ExplainedEnd, name: String, index: Int?)
    {
        if let cidr = CIDR(text) ?? CIDR(text + (text.contains(":") ? "/128" : "/32")) {
            let set = IPSet(IPBlock(cidr: cidr))
            return (.addresses(set), set.description, nil)
        }
        let cluster = model.cluster
        let matches = cluster.endpoints.indices.filter { Focus.names(text, cluster.endpoints[$0]) }
        guard matches.count == 1, let e = matches.first else {
            let problem =
                matches.isEmpty
                ? "\(what) '\(text)' matches no workload"
                : "\(what) '\(text)' matches \(matches.count) workloads (\(matches.prefix(3).map { cluster.endpoints[$0].id }.joined(separator: ", ")))"
            let hint =
                matches.isEmpty
                ? Suggestions.hint(for: text, in: cluster) : "name one: namespace/name or namespace/name[Kind]"
            throw Console.failure(Diagnostic(problem.escapedForDisplay, hint: hint))
        }
        return (.endpoints(model.classOf(endpoint: e)), cluster.endpoints[e].id, e)
    }
}
