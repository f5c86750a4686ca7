import KubeModel
package import Reachability

/// Formats for `netreach audit`.
package enum AuditFormat: String, Hashable, Sendable, CaseIterable {
    /// Readable text grouped by severity.
    case txt
    /// One JSON document: summary, findings, suppressed findings, isolation matrix.
    case json
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    case sarif
    /// GitHub Actions workflow commands: each finding annotates its first location in the pull request.
    case github
}

/// Writes an `AuditReport`.
package enum AuditReportWriter {
    /// The tool's version, written into SARIF.
    package static let toolVersion = "0.1.0"

    /// Writes `report` in `format`. `color` adds ANSI colours to txt (for terminals).
    package static func write(
        _ report: AuditReport,
        format: AuditFormat,
        color: Bool = false,
        isolation: Bool = false,
        to out: inout some UTF8Output
    ) {
        switch format {
        case .txt: text(report, color: color, isolation: isolation, to: &out)
        case .json: json(report).write(to: &out)
        case .sarif: SARIFWriter.sarif(report).write(to: &out)
        case .github: github(report, to: &out)
        }
    }

    // MARK: - GitHub Actions

    /// `::error file=…,line=…,col=…,title=netreach audit: <rule>::<message>` per finding (warnings as `::warning`,
    /// notes as `::notice`), the fix, evidence and other locations on the lines after; then the summary.
    private static func github(_ report: AuditReport, to out: inout some TextOutputStream) {
        for finding in report.findings {
            let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
            var properties: [String] = []
            if let location = finding.locations.first {
                properties = [
                    "file=\(CheckReportWriter.escapeProperty(location.file.escapedForDisplay))",
                    "line=\(location.line)", "col=\(location.column)",
                ]
            }
            let title = "netreach audit: \(finding.rule.id)"
            properties.append("title=\(CheckReportWriter.escapeProperty(title))")
            let lines =
                ["\(finding.message.escapedForDisplay)", "fix: \(finding.fix.escapedForDisplay)"]
                + finding.evidence.map { "| \($0.text.escapedForDisplay)" }
                + finding.locations.dropFirst().map { "see: \($0)".escapedForDisplay }
            out.write(
                "::\(command) \(properties.joined(separator: ","))::"
                    + CheckReportWriter.escapeData(lines.joined(separator: "\n")) + "\n"
            )
        }
        out.write("netreach audit: \(summary(report)) (\(report.settings.name))\n")
    }

    /// `2 errors, 6 warnings, 1 note; 1 suppressed`.
    package static func summary(_ report: AuditReport) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var text = [
            plural(report.count(.error), "error"), plural(report.count(.warning), "warning"),
            plural(report.count(.note), "note"),
        ]
        .joined(separator: ", ")
        if !report.suppressed.isEmpty {
            text += "; \(report.suppressed.count) suppressed by \(Auditor.ignoreAnnotation)"
        }
        return text
    }

    // MARK: - Text

    private static func paint(_ text: String, _ code: String, _ color: Bool) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private static func text(_ report: AuditReport, color: Bool, isolation: Bool, to out: inout some TextOutputStream) {
        out.write(PluginText.header(report.settings) + "\n\n")
        for severity in Severity.allCases.reversed() {
            let findings = report.findings.filter { $0.severity == severity }
            guard !findings.isEmpty else { continue }
            let heading = severity == .error ? "Errors" : severity == .warning ? "Warnings" : "Notes"
            out.write(paint("\(heading) (\(findings.count))", "1", color) + "\n\n")
            let code = severity == .error ? "31" : severity == .warning ? "33" : "36"
            for finding in findings {
                let location = finding.locations.first.map { "\($0): " } ?? ""
                out.write(
                    "\(location)\(paint(severity.rawValue, "1;" + code, color)): \(finding.message.escapedForDisplay) [\(finding.rule.id)]\n"
                )
                out.write("  fix: \(finding.fix.escapedForDisplay)\n")
                for evidence in finding.evidence { out.write("  | \(evidence.text.escapedForDisplay)\n") }
                for other in finding.locations.dropFirst() { out.write("  see: \(other)\n") }
                out.write("\n")
            }
        }
        if !report.suppressed.isEmpty {
            out.write(paint("Suppressed (\(report.suppressed.count))", "1", color) + "\n\n")
            for finding in report.suppressed {
                let location = finding.locations.first.map { "\($0): " } ?? ""
                let reason = (finding.suppression ?? "").escapedForDisplay
                out.write("\(location)\(finding.rule.id) on \(finding.subject.escapedForDisplay): \(reason)\n")
            }
            out.write("\n")
        }
        if isolation { isolationText(report.isolation, to: &out) }
        out.write("\(summary(report))\n")
    }

    private static func isolationText(_ matrix: IsolationMatrix, to out: inout some TextOutputStream) {
        let names = matrix.namespaces.map(\.escapedForDisplay)
        // Past `mergeAbove` namespaces, a row per set of namespaces with the same marks, listed after the cells.
        let (merged, rows) = names.count > IsolationMatrix.mergeAbove ? matrix.merged() : (matrix, [])
        var matrix = merged
        matrix.namespaces = matrix.namespaces.map(\.escapedForDisplay)
        matrix.isolated = matrix.isolated.map(\.escapedForDisplay)
        out.write("Namespace isolation (row may open connections to column; ● all, ◐ some ports, · none)\n\n")
        if !rows.isEmpty {
            out.write(
                "\(names.count) namespaces in \(rows.count) rows: namespaces with the same marks towards and from every"
                    + " other namespace share a row, named by the first of them and how many more (listed below).\n\n"
            )
        }
        let corner = "from \\ to"
        let width = max(corner.count, matrix.namespaces.map(\.count).max() ?? 0)
        func pad(_ text: String, _ n: Int) -> String { text + String(repeating: " ", count: max(0, n - text.count)) }
        out.write(
            (pad(corner, width + 2) + matrix.namespaces.map { pad($0, $0.count + 2) }.joined())
                .trimmingTrailingSpaces + "\n"
        )
        for (i, name) in matrix.namespaces.enumerated() {
            var line = pad(name, width + 2)
            for (j, column) in matrix.namespaces.enumerated() {
                let cell = matrix.connections(i, j)
                let mark = cell.isEmpty ? "·" : cell.allowsAll ? "●" : "◐"
                line += pad(mark, column.count + 2)
            }
            out.write(line.trimmingTrailingSpaces + "\n")
        }
        out.write("\n")
        for (i, source) in matrix.namespaces.enumerated() {
            for (j, destination) in matrix.namespaces.enumerated() where !matrix.connections(i, j).isEmpty {
                out.write("\(source) -> \(destination) : \(matrix.connections(i, j))\n")
            }
        }
        out.write("\n")
        for (r, members) in rows.enumerated() where members.count > 1 {
            out.write("\(matrix.namespaces[r]): \(members.map { names[$0] }.joined(separator: ", "))\n")
        }
        if rows.contains(where: { $0.count > 1 }) { out.write("\n") }
        if matrix.isolated.isEmpty {
            out.write("No namespace is isolated from all others.\n\n")
        } else {
            out.write("Isolated from all other namespaces: \(matrix.isolated.joined(separator: ", "))\n\n")
        }
    }

    // MARK: - JSON

    static func location(_ location: SourceLocation) -> JSONValue {
        .object([("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))])
    }

    /// A finding's JSON object: its rule, severity, text, locations and evidence (and why it is suppressed).
    private static func write(_ finding: Finding, to writer: inout JSONObjectWriter) {
        writer.string("id", finding.rule.id)
        writer.string("severity", finding.severity.rawValue)
        writer.string("subject", finding.subject)
        writer.string("message", finding.message)
        writer.string("fix", finding.fix)
        writer.objects("locations", count: finding.locations.count) { i, location in
            location.string("file", finding.locations[i].file)
            location.int("line", finding.locations[i].line)
            location.int("column", finding.locations[i].column)
        }
        writer.strings("evidence", count: finding.evidence.count) { finding.evidence[$0].text }
        if let reason = finding.suppression { writer.string("suppressedBecause", reason) }
    }

    private static func json(_ report: AuditReport) -> JSONValue {
        let names = report.isolation.namespaces
        // Past `mergeAbove` namespaces, the cells are between rows of namespaces with the same marks, as in the text.
        let (matrix, rows) =
            names.count > IsolationMatrix.mergeAbove ? report.isolation.merged() : (report.isolation, [])
        // The cells are written as they are read.
        let cells = matrix.namespaces.indices.flatMap { i in
            matrix.namespaces.indices.lazy.filter { !matrix.connections(i, $0).isEmpty }.map { (Int32(i), Int32($0)) }
        }
        var isolation: [(String, JSONValue)] = [("namespaces", .array(names.map(JSONValue.string)))]
        if !rows.isEmpty {
            isolation.append(
                (
                    "rows",
                    .objects(count: rows.count) {
                        .object([
                            ("name", .string(matrix.namespaces[$0])),
                            ("namespaces", .array(rows[$0].map { .string(names[$0]) })),
                        ])
                    }
                )
            )
        }
        isolation += [
            (
                "connections",
                .objects(count: cells.count) {
                    let (i, j) = (Int(cells[$0].0), Int(cells[$0].1))
                    return .object([
                        ("from", .string(matrix.namespaces[i])), ("to", .string(matrix.namespaces[j])),
                        ("conn", .string(matrix.connections(i, j).description)),
                    ])
                }
            ),
            ("isolated", .array(matrix.isolated.map(JSONValue.string))),
        ]
        return .object([
            (
                "summary",
                .object([
                    ("error", .int(report.count(.error))), ("warning", .int(report.count(.warning))),
                    ("note", .int(report.count(.note))), ("suppressed", .int(report.suppressed.count)),
                ])
            ),
            ("networkPlugin", PluginText.json(report.settings)),
            ("findings", .writtenObjects(count: report.findings.count) { write(report.findings[$0], to: &$1) }),
            ("suppressed", .writtenObjects(count: report.suppressed.count) { write(report.suppressed[$0], to: &$1) }),
            ("isolation", .object(isolation)),
        ])
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
