import ArgumentParser
import Reachability
import Reports

#if canImport(Glibc)
    import Glibc
#endif

enum SeverityOption: String, CaseIterable, ExpressibleByArgument {
    case error, warning, note, never

    var severity: Severity? { Severity(rawValue: rawValue) }
}

enum AuditFormatOption: String, CaseIterable, ExpressibleByArgument {
    case txt, json, sarif, github
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Find default-allow paths, namespaces without isolation and other hardening gaps.",
        discussion: """
            Exit status: 0 when no finding reaches --fail-on, 1 when some does, 2 for unusable input. \
            Suppress a finding on an object with the annotation netreach.io/ignore: "<finding id>: <reason>".

            Examples:
              netreach audit k8s/
              netreach audit k8s/ --isolation
              netreach audit k8s/ -o sarif --file netreach.sarif --fail-on warning
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: "Output format: txt, json, sarif or github (workflow commands that annotate a pull request)."
    )
    var format: AuditFormatOption = .txt

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    @Option(help: "Exit 1 when a finding is at least this severe: error, warning, note, or never.")
    var failOn: SeverityOption = .error

    @Flag(help: "Also print the namespace × namespace isolation matrix (txt; json always carries it).")
    var isolation = false

    @Flag(help: "Colour the text report even when standard output is not a terminal.")
    var color = false

    func run() throws {
        let loaded = try input.load()
        let result = input.compile(loaded).answer()
        let report = Auditor.audit(result)
        defer { Console.keepUntilExit((loaded, result, report)) }
        let colored = format == .txt && file == nil && (color || isatty(STDOUT_FILENO) == 1)
        let auditFormat = AuditFormat(rawValue: format.rawValue) ?? .txt
        try Console.emit(to: file, inputs: loaded.inputs) { out in
            AuditReportWriter.write(report, format: auditFormat, color: colored, isolation: isolation, to: &out)
        }
        if file != nil || (format != .txt && format != .github) {
            Console.error("netreach audit: \(AuditReportWriter.summary(report))")
        }
        if let threshold = failOn.severity, report.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode(1)
        }
    }
}
