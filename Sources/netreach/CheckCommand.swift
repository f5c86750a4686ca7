import ArgumentParser
import KubeModel
import Manifests
import Reachability
import Reports

enum CheckFormatOption: String, CaseIterable, ExpressibleByArgument {
    case txt, json, junit, sarif, github
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check required deny and allow rules (a rules file) against the manifests, for CI.",
        discussion: """
            Exit status: 0 when every rule holds, 1 when some rule fails, 2 for unusable manifests or rules. \
            Rule types: deny, allow, isolated, default-deny, no-default-allow (see README.md).

            Examples:
              netreach check --rules rules.yaml k8s/
              netreach check --rules rules.yaml k8s/ -o junit --file netreach-junit.xml
              netreach check --rules rules.yaml k8s/ -o github
            """
    )

    @Option(name: .customLong("rules"), help: "The rules file (YAML).")
    var rulesPath: String

    @OptionGroup var input: InputOptions

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output: txt, json, junit, sarif or github.")
    var format: CheckFormatOption = .txt

    @Option(name: .customLong("file"), help: "Write the report to this file (atomically) instead of standard output.")
    var file: String?

    @Flag(help: "Let a rule whose peers match nothing pass with a warning instead of being an error.")
    var allowEmpty = false

    @Option(help: "How many counter-example flows to show per failing rule.")
    var examples = 10

    func validate() throws {
        guard examples >= 1 else { throw ValidationError("--examples must be at least 1") }
        if rulesPath == "-", input.paths.contains("-") {
            throw ValidationError("the rules and the manifests cannot both come from standard input")
        }
    }

    func run() throws {
        let rules: RuleFile
        do throws(Diagnostic) {
            rules = try RulesLoader.load(rulesPath)
        } catch {
            throw Console.failure(error)
        }
        let loaded = try input.load()
        let result = input.compile(loaded)
        defer { Console.keepUntilExit((loaded, result)) }
        let report: CheckReport
        do throws(Diagnostic) {
            report = try Checker.check(
                rules,
                against: result,
                options: CheckOptions(allowEmpty: allowEmpty, examples: examples)
            )
        } catch {
            throw Console.failure(error)
        }
        if !input.quiet {
            for warning in report.warnings { Console.error(warning.description) }
        }
        let checkFormat = CheckFormat(rawValue: format.rawValue) ?? .txt
        var inputs = loaded.inputs
        if rulesPath != "-", let identity = FileIdentity(path: rulesPath) {
            inputs.append(InputFileIdentity(name: rulesPath, identity: identity))
        }
        try Console.emit(to: file, inputs: inputs) { out in
            CheckReportWriter.write(report, format: checkFormat, to: &out)
        }
        if file != nil || (format != .txt && format != .github) {
            Console.error("netreach check: \(report.summary)")
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
