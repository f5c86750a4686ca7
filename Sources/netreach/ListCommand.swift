import ArgumentParser
import Diagrams
import KubeModel
import Manifests
import Reachability
import Reports

extension NetworkPlugin: ExpressibleByArgument {}

enum FormatOption: String, CaseIterable, ExpressibleByArgument {
    case txt, json, csv, md, dot

    /// The flow-list format, or nil for `dot` (the diagram of `netreach graph`).
    var format: ReportFormat? { ReportFormat(name: rawValue) }
}

/// What to read, for the commands that read one set of manifests.
struct InputOptions: ParsableArguments {
    @Argument(help: "Manifest files, directories (searched for .yaml, .yml, .json), or '-' for standard input.")
    var paths: [String]

    @OptionGroup var read: ReadOptions

    var quiet: Bool { read.quiet }

    func load() throws -> LoadResult { try read.load(paths) }

    func compile(_ loaded: LoadResult) -> ClassModel { read.compile(loaded) }
}

/// Options every analysis command shares: how to read the manifests, how strictly, and the network plugin.
struct ReadOptions: ParsableArguments {
    @Flag(help: "Skip a document that cannot be read, with a warning, instead of stopping.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Do not print warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print every warning, also those that repeat (grouped into one line otherwise).")
    var verbose = false

    @Option(
        name: [.customShort("n"), .customLong("namespace")],
        help: "The namespace of objects without metadata.namespace, as 'kubectl apply -n' (default: default)."
    )
    var namespace = "default"

    @Option(
        help: ArgumentHelp(
            "The network plugin whose reading of the points Kubernetes leaves open to use: generic (the peers'), calico, cilium, ovn-kubernetes or antrea.",
            valueName: "plugin"
        )
    )
    var cni: NetworkPlugin = .generic

    @Flag(
        name: .customLong("ipblock-pods"),
        inversion: .prefixedNo,
        help:
            "An ipBlock also matches the pods whose IP (status.podIP) it holds, as Calico, OVN-Kubernetes and Antrea do (default: from --cni)."
    )
    var ipBlockPods: Bool?

    @Flag(
        name: .customLong("ipblock-nodes"),
        inversion: .prefixedNo,
        help:
            "An ipBlock also matches the host-network pods whose node address it holds, as Calico and Cilium's nodes mode do (default: from --cni)."
    )
    var ipBlockNodes: Bool?

    @Flag(help: "Leave out completed pods (status.phase Succeeded or Failed), which have no network presence.")
    var skipCompleted = false

    @Flag(
        help:
            "Two admin policies of one tier at the same priority whose subjects overlap are a warning, evaluated in name order, instead of an error."
    )
    var allowSamePriority = false

    @Option(
        help:
            "The largest file (or standard input) read: bytes, or with K, M or G (default 2G, a kubectl dump of about 300,000 pods). A file is held in memory while it is read."
    )
    var maxInputSize: String?

    /// `--max-input-size` in bytes.
    private var inputLimit: Int? {
        guard let text = maxInputSize?.uppercased(), !text.isEmpty else { return nil }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let unit = text.last.flatMap { units[$0] }
        guard let number = Int(unit == nil ? text : String(text.dropLast())), number > 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit ?? 1)
        return overflow ? nil : bytes
    }

    func validate() throws {
        if maxInputSize != nil, inputLimit == nil {
            throw ValidationError(
                "--max-input-size '\((maxInputSize ?? "").escapedForDisplay)' is not a size: write bytes, or a number with K, M or G (512M)"
            )
        }
        if case .valid = NameRule.dnsLabel.check(namespace) { return }
        throw ValidationError(
            "-n/--namespace '\(namespace.escapedForDisplay)' is not a namespace name: a DNS label has at most 63 lowercase letters, digits and '-', and starts and ends with a letter or digit"
        )
    }

    func load(_ paths: [String]) throws -> LoadResult {
        do throws(Diagnostic) {
            var options = LoadOptions(keepGoing: keepGoing, defaultNamespace: namespace)
            options.skipCompleted = skipCompleted
            options.allowSamePriority = allowSamePriority
            if let inputLimit { options.limits.maxBytes = inputLimit }
            let result = try ManifestLoader.load(paths, options: options)
            warn(result.warnings)
            return result
        } catch {
            warn(error.earlier)  // what --keep-going skipped before nothing was left
            throw Console.failure(error)
        }
    }

    /// The network-plugin settings: the `--cni` profile with the points set on top.
    var settings: EngineSettings {
        EngineSettings(plugin: cni, ipBlockMatchesPods: ipBlockPods, ipBlockMatchesNodes: ipBlockNodes)
    }

    /// The compiled model with the network-plugin settings, after printing what they imply for this input.
    func compile(_ loaded: LoadResult) -> ClassModel {
        let model = PolicyEngine(cluster: loaded.cluster, settings: settings).compile()
        warn(model.pluginWarnings() + model.ingressWarnings())
        return model
    }

    private func warn(_ warnings: [Diagnostic]) {
        if !quiet {
            for line in WarningLines.lines(warnings, verbose: verbose) { Console.error(line) }
        }
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every allowed flow: source => destination : protocols and ports.",
        discussion: """
            Examples:
              netreach list k8s/
              netreach list k8s/ --focus db/postgres -o json
              kubectl get ns,pods,networkpolicies -A -o yaml | netreach list - --default-allow
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: "Output format: txt, json, csv, md, or dot (the diagram of 'netreach graph')."
    )
    var format: FormatOption = .txt

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    @Flag(help: "List only the flows that exist because a side has no policy (the hops left open by default).")
    var defaultAllow = false

    @Flag(help: "Print only how many flows there are (computed without listing them; fast on huge clusters).")
    var count = false

    @Flag(
        help:
            "Explain every ordered pair, allowed and denied: each slice of its connections and the rules that decide it (txt, json or md)."
    )
    var explain = false

    @Flag(
        help:
            "Also list what each workload's rules admit beyond the pods in the input (pods described by selectors, the entire cluster, addresses) and what no policy protects (txt or json)."
    )
    var exposure = false

    @OptionGroup var focus: FocusOptions

    func validate() throws {
        if count, defaultAllow { throw ValidationError("--count and --default-allow cannot be combined") }
        if explain, count || defaultAllow {
            throw ValidationError("--explain cannot be combined with --count or --default-allow")
        }
        if explain, format == .csv || format == .dot { throw ValidationError("--explain writes txt, json or md") }
        if exposure, count || explain || defaultAllow || !(format == .txt || format == .json) {
            throw ValidationError(
                "--exposure writes txt or json, and cannot be combined with --count, --explain or --default-allow"
            )
        }
        if count, !focus.workloads.isEmpty || focus.connection != nil {
            throw ValidationError("--count counts every flow; it cannot be combined with --focus options")
        }
        if format == .dot, !focus.workloads.isEmpty || focus.connection != nil {
            throw ValidationError(
                "--focus options apply to txt, json, csv and md; draw one workload with 'netreach graph --to' or '--from'"
            )
        }
    }

    func run() throws {
        let loaded = try input.load()
        let chosen = try focus.focus(in: loaded.cluster)
        if explain, let report = format.format {
            let model = input.compile(loaded)
            defer { Console.keepUntilExit((loaded, model)) }
            try Console.emit(to: file, inputs: loaded.inputs) { out in
                ExplainReport.write(model, format: report, pairs: { model.explainedPairs(focus: chosen, $0) }, to: &out)
            }
            return
        }
        if count {
            let result = input.compile(loaded).answer()
            defer { Console.keepUntilExit((loaded, result)) }
            try Console.emit(to: file, inputs: loaded.inputs) { $0.write("\(result.flowCount)\n") }
            return
        }
        // Flows are expanded as they are written (bounded memory); a diagram reads them all.
        let result = input.compile(loaded).answer()
        defer { Console.keepUntilExit((loaded, result)) }
        guard let report = format.format else {
            let diagram: Diagram
            do {
                diagram = try DiagramBuilder.build(result, view: .full)
            } catch {
                throw Console.failure(error)
            }
            try Console.emit(to: file, inputs: loaded.inputs) { $0.write(DOTWriter.dot(diagram)) }
            return
        }
        try Console.emit(to: file, inputs: loaded.inputs) { out in
            FlowReport.write(
                result,
                format: report,
                onlyDefaultAllow: defaultAllow,
                markOpenHops: defaultAllow,
                focus: chosen,
                exposure: exposure ? result.exposure(focus: chosen) : nil,
                to: &out
            )
        }
    }
}
