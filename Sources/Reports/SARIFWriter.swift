import KubeModel
import Reachability

/// SARIF 2.1.0: one run, the audit rules as the driver's rules, one result per finding. Suppressed findings are
/// results with an `inSource` suppression, which code-scanning UIs hide.
enum SARIFWriter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    static func sarif(_ report: AuditReport) -> JSONValue {
        let rules = AuditRule.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        let findings = report.findings + report.suppressed
        // Built one result at a time as it is written: 150,000 pods give tens of thousands of results.
        let results = JSONValue.objects(count: findings.count) {
            result(findings[$0], ruleIndex: ruleIndex[findings[$0].rule.id] ?? 0)
        }
        return log(rules: rules.map(rule), results: results, settings: report.settings)
    }

    /// The SARIF envelope: one run of netreach with these rules and results; the run's properties name the
    /// network-plugin settings.
    static func log(rules: [JSONValue], results: JSONValue, settings: EngineSettings) -> JSONValue {
        .object([
            ("$schema", .string(schema)),
            ("version", .string("2.1.0")),
            (
                "runs",
                .array([
                    .object([
                        (
                            "tool",
                            .object([
                                (
                                    "driver",
                                    .object([
                                        ("name", .string("netreach")),
                                        ("version", .string(AuditReportWriter.toolVersion)),
                                        ("rules", .array(rules)),
                                    ])
                                )
                            ])
                        ),
                        ("columnKind", .string("unicodeCodePoints")),
                        ("results", results),
                        ("properties", .object([("networkPlugin", PluginText.json(settings))])),
                    ])
                ])
            ),
        ])
    }

    private static func rule(_ rule: AuditRule) -> JSONValue {
        .object([
            ("id", .string(rule.id)),
            (
                "name",
                .string(rule.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
            ),
            ("shortDescription", .object([("text", .string(rule.title))])),
            ("fullDescription", .object([("text", .string(rule.help))])),
            ("help", .object([("text", .string(rule.help))])),
            ("defaultConfiguration", .object([("level", .string(rule.severity.rawValue))])),
        ])
    }

    private static func result(_ finding: Finding, ruleIndex: Int) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("ruleId", .string(finding.rule.id)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(finding.severity.rawValue)),
            ("message", .object([("text", .string("\(finding.message). Fix: \(finding.fix)"))])),
        ]
        let located = finding.locations.filter { $0.file != "-" }
        if let first = located.first {
            pairs.append(("locations", .array([physical(first)])))
            if located.count > 1 {
                pairs.append(
                    (
                        "relatedLocations",
                        .array(located.dropFirst().enumerated().map { i, l in physical(l, id: i + 1) })
                    )
                )
            }
        }
        pairs.append(
            ("partialFingerprints", .object([("netreach/v1", .string("\(finding.rule.id):\(finding.subject)"))]))
        )
        if let reason = finding.suppression {
            pairs.append(
                (
                    "suppressions",
                    .array([.object([("kind", .string("inSource")), ("justification", .string(reason))])])
                )
            )
        }
        return .object(pairs)
    }

    static func physical(_ location: SourceLocation, id: Int? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let id { pairs.append(("id", .int(id))) }
        pairs.append(
            (
                "physicalLocation",
                .object([
                    ("artifactLocation", .object([("uri", .string(uri(location.file)))])),
                    ("region", .object([("startLine", .int(location.line)), ("startColumn", .int(location.column))])),
                ])
            )
        )
        return .object(pairs)
    }

    /// A relative or absolute path as a URI reference: spaces and other unsafe characters percent-encoded.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII, c.isLetter || c.isNumber || "-._~/".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return path.hasPrefix("/") ? "file://" + out : out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }

}
