import Foundation
import Manifests
import Reachability
import Reports
import TestSupport
import Testing

/// The repository root, found from this file's path.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Each folder under Fixtures with an `expected.txt` is a flow-list scenario: manifests in `input/` (or, when there
/// is none, `examples/<name>`) and golden files `expected.<format>` for the formats it pins, plus `expected.warnings`.
/// (`Fixtures/audit` holds the audit scenarios, tested by AuditTests.)
/// `NETREACH_UPDATE_GOLDEN=1 swift test` rewrites them.
private let scenarios: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/Fixtures")) ?? []
    return names.filter { FileManager.default.fileExists(atPath: root + "/Fixtures/\($0)/expected.txt") }.sorted()
}()

private func inputPath(_ scenario: String) -> String {
    let own = root + "/Fixtures/\(scenario)/input"
    return FileManager.default.fileExists(atPath: own) ? own : root + "/examples/\(scenario)"
}

private func compare(
    _ actual: String,
    golden name: String,
    scenario: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    Golden.check(actual, against: "Fixtures/\(scenario)/\(name)", sourceLocation: sourceLocation)
}

@Test func thereAreScenarios() {
    #expect(scenarios.count >= 12)
    #expect(scenarios.contains("shop"))
}

@Test(arguments: scenarios)
func scenarioMatchesItsGoldenFiles(scenario: String) throws {
    let loaded = try ManifestLoader.load([inputPath(scenario)])
    let result = PolicyEngine(cluster: loaded.cluster).analyze()
    let formats = scenario == "shop" ? ["txt", "json", "csv", "md"] : ["txt", "json"]
    for name in formats {
        var text = ""
        FlowReport.write(result, format: try #require(ReportFormat(name: name)), to: &text)
        compare(text, golden: "expected.\(name)", scenario: scenario)
    }
    let warnings = loaded.warnings.map { $0.description.replacingOccurrences(of: root + "/", with: "") }
    compare(warnings.map { $0 + "\n" }.joined(), golden: "expected.warnings", scenario: scenario)
}
