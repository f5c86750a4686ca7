import Diagrams
package import KubeModel
import Manifests
import Reachability
import Reports
import YAMLTree

/// Runs one input through every path netreach has: YAML → model → engine → every report, the diagram's DOT
/// text, and the rules loader and checker. The libFuzzer target (`make fuzz`) and the regression replay in
/// `make test` both call it, so a crasher kept in `Fixtures/fuzz-regressions/` replays the same code.
package enum FuzzPipeline {
    /// The rules `check` evaluates on every fuzzed cluster (they may match nothing: `--allow-empty`).
    static let rules = """
        rules:
          - name: deny
            deny: {from: any, to: app=db, ports: [5432/TCP, 53/UDP]}
          - name: allow
            allow: {from: 'tier in (web,api)', to: 10.0.0.0/8}
          - name: isolated
            isolated: default
            except: [{from: kube-system}, {to: 0.0.0.0/0, ports: [443]}]
          - name: default-deny
            default-deny: default
          - name: no-default-allow
            no-default-allow: all
        """

    /// Where output broke the promise that input cannot inject lines or control characters.
    package struct Violation: Error, CustomStringConvertible {
        /// The report or message.
        package var output: String
        /// What was found.
        package var problem: String

        /// `output: problem`.
        package var description: String { "\(output): \(problem)" }
    }

    /// Runs every path on `bytes`; returns the outputs that break the output promise.
    ///
    /// An error for bad input is the expected answer to most inputs, not a failure. A crash is the failure the
    /// fuzzer looks for; a returned violation is the other (the fuzz target traps on it).
    package static func run(_ bytes: [UInt8]) -> [Violation] {
        var inspector = Inspector()
        // Rules: the same bytes as a rules file.
        do throws(Diagnostic) {
            _ = try RulesLoader.load(bytes: bytes, name: "fuzz.yaml")
        } catch {
            inspector.inspect("rules error", error.description)
        }
        // The block scanner is the fast path of the YAML scan: with and without it, the same events or the same
        // refusal.
        if YAMLScanRecorder.events(bytes[...], fastPath: true) != YAMLScanRecorder.events(bytes[...], fastPath: false) {
            inspector.violations.append(
                Violation(output: "scan", problem: "the block scanner and libyaml read the input differently")
            )
        }
        for keepGoing in [false, true] {
            // The pod scanner and the cutting of Lists into items are fast paths: without them, every document
            // goes through the tree, and the answer (objects, warnings or the error) must be the same. Lists of any
            // size are cut here (in use, only from 1 MiB).
            var treeOnly = LoadOptions(keepGoing: keepGoing)
            treeOnly.scanPods = false
            var fast = LoadOptions(keepGoing: keepGoing)
            fast.listCutBytes = 0
            if Outcome(bytes, fast) != Outcome(bytes, treeOnly) {
                inspector.violations.append(
                    Violation(
                        output: "load",
                        problem: "the pod scanner or the List cut and the YAML tree read the input differently"
                    )
                )
            }
            do throws(Diagnostic) {
                let loaded = try ManifestLoader.load(
                    bytes: bytes,
                    name: "fuzz.yaml",
                    options: LoadOptions(keepGoing: keepGoing)
                )
                for warning in loaded.warnings { inspector.inspect("warning", warning.description) }
                report(loaded.cluster, rules: Array(rules.utf8), onlyDefaultAllow: keepGoing, into: &inspector)
                break  // what loads without --keep-going loads the same with it
            } catch {
                inspector.inspect("load error", error.description)
            }
        }
        return inspector.violations
    }

    /// What loading gave: the cluster and the warnings, or the error.
    private enum Outcome: Equatable {
        case loaded(Cluster, [Diagnostic])
        case failed(Diagnostic)

        init(_ bytes: [UInt8], _ options: LoadOptions) {
            do throws(Diagnostic) {
                let result = try ManifestLoader.load(bytes: bytes, name: "fuzz.yaml", options: options)
                self = .loaded(result.cluster, result.warnings)
            } catch {
                self = .failed(error)
            }
        }
    }

    /// Runs every report, diagram and check on a cluster given as values (bypassing the loader's checks, as a
    /// hostile caller of the library could), with `rules` as the rules file; returns the broken promises.
    package static func run(cluster: Cluster, rules: [UInt8]) -> [Violation] {
        var inspector = Inspector()
        report(cluster, rules: rules, onlyDefaultAllow: false, into: &inspector)
        report(cluster, rules: rules, onlyDefaultAllow: true, into: &inspector)
        return inspector.violations
    }

    private static func report(
        _ cluster: Cluster,
        rules: [UInt8],
        onlyDefaultAllow: Bool,
        into inspector: inout Inspector
    ) {
        // Every network-plugin profile, with and without pod IPs, chosen by the input's shape.
        let shape = cluster.endpoints.count &+ 3 &* cluster.policies.count
        let settings = EngineSettings(
            plugin: NetworkPlugin.allCases[shape % NetworkPlugin.allCases.count],
            ipBlockMatchesPods: shape % 7 == 0 ? true : nil,
            ipBlockMatchesNodes: shape % 3 == 0 ? true : nil
        )
        let compiled = PolicyEngine(cluster: cluster, settings: settings).compile()
        for warning in compiled.pluginWarnings() + compiled.ingressWarnings() {
            inspector.inspect("plugin warning", warning.description)
        }
        let result = compiled.answer()
        for name in ReportFormat.names {
            guard let format = ReportFormat(name: name) else { continue }
            var text = ""
            FlowReport.write(result, format: format, onlyDefaultAllow: onlyDefaultAllow, markOpenHops: true, to: &text)
            inspector.inspect("list -o \(name)", text)
        }
        // The exposure section, in the formats that carry it.
        for name in ["txt", "json"] {
            guard let format = ReportFormat(name: name) else { continue }
            var text = ""
            FlowReport.write(result, format: format, exposure: result.exposure(), to: &text)
            inspector.inspect("list --exposure -o \(name)", text)
        }
        var focus = Focus()
        focus.workloads = cluster.endpoints.prefix(2).map(\.name)
        for name in ReportFormat.names {
            guard let format = ReportFormat(name: name), name != "csv" else { continue }
            var text = ""
            ExplainReport.write(
                compiled,
                format: format,
                pairs: { compiled.explainedPairs(focus: focus, $0) },
                to: &text
            )
            inspector.inspect("list --explain -o \(name)", text)
        }
        // A diff against the same cluster without its first policy: every format of the change.
        var without = cluster
        if !without.policies.isEmpty { without.policies.removeFirst() }
        let diff = ReachabilityDiff(old: PolicyEngine(cluster: without, settings: settings).analyze(), new: result)
        for name in ReportFormat.names {
            guard let format = ReportFormat(name: name) else { continue }
            var text = ""
            DiffReport.write(diff, settings: settings, format: format, to: &text)
            inspector.inspect("diff -o \(name)", text)
        }
        var annotations = ""
        DiffReport.github(diff, settings: settings, to: &annotations)
        // One command per removed flow, and per place (rules, else workloads, else none) of every other change.
        let expected = diff.changes.reduce(0) { count, change in
            guard change.kind != .removed else { return count + 1 }
            let rules = Set(change.admittedBy.compactMap(\.location)).count
            return count + Swift.max(1, rules > 0 ? rules : change.endpointLocations.count)
        }
        inspector.inspect("diff -o github", annotations, commands: expected)
        let audit = Auditor.audit(result)
        for format in AuditFormat.allCases {
            var text = ""
            AuditReportWriter.write(audit, format: format, color: false, isolation: true, to: &text)
            inspector.inspect("audit -o \(format)", text, commands: format == .github ? audit.findings.count : 0)
        }
        for view in [DiagramView.full, .namespaces] {
            do throws(Diagnostic) {
                let diagram = try DiagramBuilder.build(result, view: view, maxFlows: 200_000)
                inspector.inspect("graph dot", DOTWriter.dot(diagram))
            } catch {
                inspector.inspect("graph error", error.description)
            }
        }
        do {
            let rules = try RulesLoader.load(bytes: rules, name: "rules.yaml")
            let report = try Checker.check(
                rules,
                against: compiled,
                options: CheckOptions(allowEmpty: true, examples: 3)
            )
            for warning in report.warnings { inspector.inspect("check warning", warning.description) }
            for format in CheckFormat.allCases {
                var text = ""
                CheckReportWriter.write(report, format: format, to: &text)
                inspector.inspect("check -o \(format)", text, commands: format == .github ? report.failed : 0)
            }
        } catch {
            inspector.inspect("check error", "\(error)")
        }
    }
}

extension FuzzPipeline {
    /// What breaks the output promise in `text`, or nil; `commands` is how many `::` lines the format itself writes.
    package static func problem(in text: String, commands: Int = 0) -> String? {
        OutputSafety.problem(in: text, commands: commands)
    }
}

/// Collects the outputs that break the promise.
private struct Inspector {
    var violations: [FuzzPipeline.Violation] = []

    mutating func inspect(_ name: String, _ text: String, commands: Int = 0) {
        if let problem = OutputSafety.problem(in: text, commands: commands) {
            violations.append(FuzzPipeline.Violation(output: name, problem: problem))
        }
    }
}

/// The output promise, as a check: no byte below 0x20 but newline and tab, no DEL, no C1 control, no format or
/// separator character (a bidirectional override), and no line that starts a GitHub Actions workflow command
/// (`::`) beyond the `commands` the format itself writes.
enum OutputSafety {
    static func problem(in text: String, commands: Int = 0) -> String? {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if scalar != "\n", scalar != "\t", scalar.needsDisplayEscape {
                return "unprintable character U+\(String(v, radix: 16, uppercase: true))"
            }
        }
        let starts = text.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("::") }.count
        if starts > commands {
            return "\(starts) lines start with '::' (GitHub Actions workflow commands), \(commands) expected"
        }
        return nil
    }
}
