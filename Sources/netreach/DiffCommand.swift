import ArgumentParser
import KubeModel
import Reachability
import Reports

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What a change does to reachability: every flow added, removed or changed between two versions.",
        discussion: """
            OLD and NEW are manifest files or directories, read with the same options. Exit status: 0, or 1 when \
            --fail-on finds a change of that kind; 2 for unusable input (nothing is written then).
            """
    )

    @Argument(help: "The old version: a manifest file or directory.")
    var old: String

    @Argument(help: "The new version: a manifest file or directory.")
    var new: String

    @OptionGroup var read: ReadOptions

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: txt, json, csv or md.")
    var format: String = "txt"

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    @Option(help: "Exit 1 when the diff has a change of this kind: added, removed, changed or any.")
    var failOn: FailOn?

    @Option(help: "Only changes of flows into W: a namespace, a workload name, or namespace/name. Repeatable.")
    var to: [String] = []

    @Option(help: "Only changes of flows out of W (same forms). Repeatable.")
    var from: [String] = []

    @Option(help: "Only changes of flows into or out of W (same forms). Repeatable.")
    var focus: [String] = []

    enum FailOn: String, ExpressibleByArgument {
        case added, removed, changed, any
    }

    func validate() throws {
        guard ReportFormat(name: format) != nil else {
            throw ValidationError("-o '\(format.escapedForDisplay)': use txt, json, csv or md")
        }
    }

    func run() throws {
        let before = try read.load([old])
        let after = try read.load([new])
        let diff = ReachabilityDiff(old: read.compile(before).answer(), new: read.compile(after).answer())
            .filtered(from: from, to: to, focus: focus)
        let report = ReportFormat(name: format) ?? .txt
        try Console.emit(to: file, inputs: before.inputs + after.inputs) { out in
            DiffReport.write(diff, settings: read.settings, format: report, to: &out)
        }
        if let failOn, diff.changes.contains(where: { failOn == .any || $0.kind.rawValue == failOn.rawValue }) {
            throw ExitCode(1)
        }
    }
}
