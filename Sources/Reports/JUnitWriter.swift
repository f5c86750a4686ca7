import KubeModel
import Reachability

/// JUnit XML as Jenkins, GitLab and Azure DevOps read it (the common `junit-10.xsd` schema): one test suite for
/// the rules file, one test case per rule, a `failure` with the counter-examples for each failing rule. No
/// timestamps or durations, so the report is deterministic.
enum JUnitWriter {
    static func write(_ report: CheckReport, to out: inout some TextOutputStream) {
        let counts = "tests=\"\(report.results.count)\" failures=\"\(report.failed)\" errors=\"0\""
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write("<testsuites name=\"netreach check\" \(counts)>\n")
        out.write("  <testsuite name=\"\(escape(report.file.escapedForDisplay))\" \(counts) skipped=\"0\">\n")
        out.write("    <properties>\n")
        out.write("      <property name=\"networkPlugin\" value=\"\(escape(report.settings.name))\"/>\n")
        out.write("    </properties>\n")
        for result in report.results {
            let name = escape(result.rule.name.escapedForDisplay)
            let attributes = "name=\"\(name)\" classname=\"netreach.check.\(result.rule.keyword)\""
            if result.passed {
                out.write("    <testcase \(attributes)>\n")
                out.write(
                    "      <system-out>\(escape("\(result.rule.location): \(result.message.escapedForDisplay)", attribute: false))</system-out>\n"
                )
                out.write("    </testcase>\n")
            } else {
                out.write("    <testcase \(attributes)>\n")
                out.write(
                    "      <failure type=\"\(result.rule.keyword)\" message=\"\(escape(result.message.escapedForDisplay))\">"
                        + escape(CheckReportWriter.details(result).joined(separator: "\n"), attribute: false)
                        + "</failure>\n"
                )
                out.write("    </testcase>\n")
            }
        }
        out.write("  </testsuite>\n</testsuites>\n")
    }

    /// XML escaping (quotes only in attributes); characters XML 1.0 cannot hold become U+FFFD.
    static func escape(_ text: String, attribute: Bool = true) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                let allowed = (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
