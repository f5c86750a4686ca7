import KubeModel
import Parallel
package import Reachability

/// Formats for `netreach check`.
package enum CheckFormat: String, Hashable, Sendable, CaseIterable {
    /// PASS/FAIL per rule with counter-examples and the policies involved.
    case txt
    /// One JSON document with a result per rule.
    case json
    /// JUnit XML: one test case per rule (GitLab, Jenkins, Azure DevOps test reports).
    case junit
    /// SARIF 2.1.0: a result per failing rule, located at the rule (GitHub code scanning).
    case sarif
    /// GitHub Actions workflow commands: an `::error` annotation per failing rule.
    case github
}

/// Writes a `CheckReport`.
package enum CheckReportWriter {
    /// Writes `report` in `format`.
    package static func write(_ report: CheckReport, format: CheckFormat, to out: inout some TextOutputStream) {
        switch format {
        case .txt: text(report, to: &out)
        case .json: json(report).write(to: &out)
        case .junit: JUnitWriter.write(report, to: &out)
        case .sarif: sarif(report).write(to: &out)
        case .github: github(report, to: &out)
        }
    }

    /// The failing rule as plain text lines: message, counter-examples, policies involved (escaped for display).
    static func details(_ result: CheckResult) -> [String] {
        var lines = ["\(result.rule.location): \(result.message.escapedForDisplay)"]
        lines += result.examples.map { "  \($0.text.escapedForDisplay)" }
        if result.violations > result.examples.count, result.rule.keyword != "default-deny" {
            lines.append("  … and \(result.violations - result.examples.count) more")
        }
        if !result.involved.isEmpty {
            lines.append("involved:")
            lines += result.displayed.map {
                "  " + ($0.involvement.location.map { "\($0): " } ?? "") + $0.text.escapedForDisplay
            }
        }
        return lines
    }

    // MARK: - Text

    private static func text(_ report: CheckReport, to out: inout some TextOutputStream) {
        out.write(PluginText.header(report.settings) + "\n")
        // The lines of the failing rules, made on every core: a rule can list thousands of involvements.
        let results = report.results
        let lines = Parallel.map(results.count) { results[$0].passed ? [] : Self.details(results[$0]) }
        for (result, details) in zip(results, lines) {
            out.write("\(result.passed ? "PASS" : "FAIL")  \(result.rule.name.escapedForDisplay)\n")
            if result.passed {
                out.write("      \(result.rule.location): \(result.message.escapedForDisplay)\n")
            } else {
                for line in details { out.write("      \(line)\n") }
            }
        }
        out.write("\n\(report.summary)\n")
    }

    // MARK: - JSON

    private static func json(_ report: CheckReport) -> JSONValue {
        .object([
            ("file", .string(report.file)),
            (
                "summary",
                .object([
                    ("rules", .int(report.results.count)), ("passed", .int(report.passed)),
                    ("failed", .int(report.failed)),
                ])
            ),
            ("networkPlugin", PluginText.json(report.settings)),
            ("results", .array(report.results.map(json))),
        ])
    }

    private static func json(_ result: CheckResult) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("name", .string(result.rule.name)),
            ("rule", .string(result.rule.keyword)),
            ("passed", .bool(result.passed)),
            ("message", .string(result.message)),
            ("location", AuditReportWriter.location(result.rule.location)),
        ]
        if let description = result.rule.description { pairs.append(("description", .string(description))) }
        pairs.append(("violations", .int(result.violations)))
        pairs.append(("examples", .array(result.examples.map { .string($0.text) })))
        pairs.append(
            (
                "involved",
                .array(
                    result.displayed.map { involvement, text in
                        var fields: [(String, JSONValue)] = [("text", .string(text))]
                        if let location = involvement.location {
                            fields.append(("location", AuditReportWriter.location(location)))
                        }
                        return .object(fields)
                    }
                )
            )
        )
        return .object(pairs)
    }

    // MARK: - SARIF

    /// A stable rule id from the rule's name: `check/frontend-never-reaches-db`.
    static func ruleID(_ rule: CheckRule) -> String {
        var slug = ""
        for character in rule.name.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                slug.append(character)
            } else if slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return "check/" + (slug.isEmpty ? "rule" : slug)
    }

    /// Rule ids for every rule of the report, made unique with `-2`, `-3`… when two names give the same slug.
    static func ruleIDs(_ report: CheckReport) -> [String] {
        var seen: [String: Int] = [:]
        return report.results.map { result in
            let id = ruleID(result.rule)
            seen[id, default: 0] += 1
            return seen[id] == 1 ? id : "\(id)-\(seen[id] ?? 0)"
        }
    }

    private static func sarif(_ report: CheckReport) -> JSONValue {
        let ids = ruleIDs(report)
        let rules = report.results.enumerated().map { index, result -> JSONValue in
            let rule = result.rule
            let help =
                (rule.description.map { "\($0) " } ?? "")
                + "netreach check asserts this \(rule.keyword) rule on every change; \(result.message)."
            return .object([
                ("id", .string(ids[index])),
                ("name", .string(rule.name)),
                ("shortDescription", .object([("text", .string(rule.name))])),
                ("fullDescription", .object([("text", .string(rule.description ?? "\(rule.keyword) rule"))])),
                ("help", .object([("text", .string(help))])),
                ("defaultConfiguration", .object([("level", .string("error"))])),
            ])
        }
        var results: [JSONValue] = []
        for (index, result) in report.results.enumerated() where !result.passed {
            var text = "\(result.rule.name): \(result.message)"
            if !result.examples.isEmpty {
                text += ", e.g. " + result.examples.prefix(3).map(\.text).joined(separator: "; ")
            }
            var pairs: [(String, JSONValue)] = [
                ("ruleId", .string(ids[index])),
                ("ruleIndex", .int(index)),
                ("level", .string("error")),
                ("message", .object([("text", .string(text))])),
            ]
            if result.rule.location.file != "-" {
                pairs.append(("locations", .array([SARIFWriter.physical(result.rule.location)])))
            }
            let related = result.involved.compactMap(\.location).filter { $0.file != "-" }
            if !related.isEmpty {
                pairs.append(
                    (
                        "relatedLocations",
                        .array(Array(Set(related)).sorted().enumerated().map { SARIFWriter.physical($1, id: $0 + 1) })
                    )
                )
            }
            pairs.append(("partialFingerprints", .object([("netreach/v1", .string(ids[index]))])))
            results.append(.object(pairs))
        }
        return SARIFWriter.log(rules: rules, results: .array(results), settings: report.settings)
    }

    // MARK: - GitHub Actions

    private static func github(_ report: CheckReport, to out: inout some TextOutputStream) {
        for result in report.results where !result.passed {
            let location = result.rule.location
            let properties = [
                "file=\(escapeProperty(location.file.escapedForDisplay))", "line=\(location.line)",
                "col=\(location.column)",
                "title=\(escapeProperty("netreach check failed: \(result.rule.name.escapedForDisplay)"))",
            ]
            let lines = [result.message.escapedForDisplay] + details(result).dropFirst()
            out.write("::error \(properties.joined(separator: ","))::\(escapeData(lines.joined(separator: "\n")))\n")
        }
        for result in report.results where result.passed {
            out.write("PASS  \(result.rule.name.escapedForDisplay)\n")
        }
        out.write("netreach check: \(report.summary) (\(report.settings.name))\n")
    }

    /// Workflow-command message escaping.
    static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Workflow-command property escaping (also `:` and `,`).
    static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
