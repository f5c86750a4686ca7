import ArgumentParser
import Diagrams
import KubeModel
import Reachability
import Reports

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What a change does to reachability: every flow added, removed or changed between two versions.",
        discussion: """
            'netreach diff OLD NEW' compares two paths (files or directories), read with the same options. \
            'netreach diff --base REV PATHS…' compares PATHS as committed at REV with the working tree, and \
            '--head REV' with another revision (git is asked; the repository and the working tree are never \
            changed). Exit status: 0, or 1 when --fail-on finds a change of that kind; 2 for unusable input \
            (nothing is written then).

            Examples:
              netreach diff old/ new/
              netreach diff --base origin/main k8s/ -o md
              netreach diff --base origin/main k8s/ --fail-on added
            """
    )

    @Argument(help: "OLD and NEW, or with --base the paths to compare across revisions.")
    var paths: [String]

    @Option(help: "Read PATHS as committed at this git revision for the old version (e.g. origin/main).")
    var base: String?

    @Option(help: "With --base: read PATHS at this revision for the new version instead of the working tree.")
    var head: String?

    @OptionGroup var read: ReadOptions

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help:
            "Output format: txt, json, csv, md, github, or a diagram of the change: dot, svg, png or pdf (with --file)."
    )
    var format: String = "txt"

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    @Flag(help: "Print only the summary line: the changes are counted, not listed (fast at any size).")
    var count = false

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
        if base == nil, paths.count != 2 {
            throw ValidationError("give OLD and NEW, or --base REV and the paths to compare")
        }
        if base == nil, head != nil { throw ValidationError("--head needs --base") }
        if base != nil, paths.isEmpty { throw ValidationError("--base needs the paths to compare") }
        guard format == "github" || ReportFormat(name: format) != nil || RenderFormat(rawValue: format) != nil else {
            throw ValidationError(
                "-o '\(format.escapedForDisplay)': use txt, json, csv, md, github, dot, svg, png or pdf"
            )
        }
        if count, format != "txt" {
            throw ValidationError(
                "--count prints the summary line; it cannot be combined with -o \(format.escapedForDisplay)"
            )
        }
        if format == "png" || format == "pdf", file == nil {
            throw ValidationError("-o \(format) writes a binary file: give --file")
        }
    }

    func run() throws {
        var copies: [GitRevision] = []
        defer { copies.forEach { $0.remove() } }
        let oldPaths: [String]
        let newPaths: [String]
        if let base {
            let old = try GitRevision(revision: base, paths: paths)
            copies.append(old)
            oldPaths = old.paths
            if let head {
                let new = try GitRevision(revision: head, paths: paths)
                copies.append(new)
                newPaths = new.paths
            } else {
                newPaths = paths
            }
        } else {
            oldPaths = [paths[0]]
            newPaths = [paths[1]]
        }
        let before = try read.load(oldPaths)
        let after = try read.load(newPaths)
        let diff = ReachabilityDiff(
            old: read.compile(before).answer(),
            new: read.compile(after).answer(),
            filter: DiffFilter(from: from, to: to, focus: focus),
            listing: !count
        )
        defer { Console.keepUntilExit((before, after, diff)) }
        if count {
            try Console.emit(to: file, inputs: before.inputs + after.inputs) { $0.write("\(diff.summary)\n") }
            try failIfAsked(diff)
            return
        }
        // Files of a revision's temporary copy are named as the repository names them.
        let prefixes = copies.map { $0.directory + "/" }
        let repositoryPath = { (path: String) -> String in
            prefixes.first(where: path.hasPrefix).map { String(path.dropFirst($0.count)) } ?? path
        }
        if let render = RenderFormat(rawValue: format) {
            let rendered: RenderedDiagram
            do throws(Diagnostic) {
                rendered = try GraphvizRenderer.render(
                    try DiagramBuilder.build(diff, settings: read.settings),
                    format: render
                )
            } catch {
                throw Console.failure(error)
            }
            try Console.emit(to: file, inputs: before.inputs + after.inputs) { $0.write(bytes: rendered.bytes) }
            try failIfAsked(diff)
            return
        }
        try Console.emit(to: file, inputs: before.inputs + after.inputs) { out in
            if let report = ReportFormat(name: format) {
                DiffReport.write(diff, settings: read.settings, format: report, to: &out)
            } else {
                DiffReport.github(diff, settings: read.settings, file: repositoryPath, to: &out)
            }
        }
        try failIfAsked(diff)
    }

    /// Exit 1 when `--fail-on` finds a change of its kind.
    private func failIfAsked(_ diff: ReachabilityDiff) throws {
        let kinds = diff.counts.filter { $0.value > 0 }.keys
        if let failOn, kinds.contains(where: { failOn == .any || $0.rawValue == failOn.rawValue }) {
            throw ExitCode(1)
        }
    }
}
