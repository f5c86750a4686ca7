import Foundation
import KubeModel
import Manifests
import Reachability
import TestSupport
import Testing

@testable import Reports

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func shopReport() throws -> CheckReport {
    let result = PolicyEngine(cluster: try ManifestLoader.load([root + "/examples/shop"]).cluster).analyze()
    return try Checker.check(try RulesLoader.load(root + "/examples/shop/rules.yaml"), against: result.model)
}

/// As the CLI prints it from the repository root: relative paths.
private func render(_ report: CheckReport, _ format: CheckFormat) -> String {
    var text = ""
    CheckReportWriter.write(report, format: format, to: &text)
    return text.replacingOccurrences(of: "file://" + root + "/", with: "").replacingOccurrences(
        of: root + "/",
        with: ""
    )
}

private func write(_ text: String, suffix: String) throws -> String {
    let path = NSTemporaryDirectory() + "netreach-\(UUID().uuidString)." + suffix
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Test(arguments: [
    (CheckFormat.txt, "txt"), (.json, "json"), (.junit, "junit.xml"), (.sarif, "sarif"), (.github, "github.txt"),
])
func shopCheckMatchesItsGoldenFiles(format: CheckFormat, suffix: String) throws {
    let path = root + "/Fixtures/shop/expected.check." + suffix
    let actual = render(try shopReport(), format)
    Golden.check(actual, against: path)
}

@Test func shopReportPassesSixRulesAndFailsTwo() throws {
    let report = try shopReport()
    #expect(report.summary == "8 rules: 6 passed, 2 failed")
    #expect(
        report.results.filter { !$0.passed }.map(\.rule.name) == [
            "nothing reaches the cloud metadata API", "the database is default-deny",
        ]
    )
}

@Test func junitValidatesAgainstTheJUnitSchema() throws {
    let schema = schemaPath("junit-10.xsd")
    #expect(FileManager.default.fileExists(atPath: schema), "missing \(schema): run 'make deps'")
    let path = try write(render(try shopReport(), .junit), suffix: "xml")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, output) = try runValidator(schema: schema, document: path)
    #expect(status == 0, "JUnit does not validate:\n\(output)")
}

@Test func theJUnitSchemaRejectsWhatItShould() throws {
    let path = try write("<testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>", suffix: "xml")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, output) = try runValidator(schema: schemaPath("junit-10.xsd"), document: path)
    #expect(status == 1)
    #expect(output.contains("attribute 'tests' is required") || output.contains("'name' is required"))
}

@Test func checkSARIFValidatesAgainstTheSchema() throws {
    let path = try write(render(try shopReport(), .sarif), suffix: "sarif")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, output) = try runValidator(schema: schemaPath("sarif-2.1.0.json"), document: path)
    #expect(status == 0, "SARIF does not validate:\n\(output)")
}

@Test func junitEscapesMarkupAndDropsCharactersXMLCannotHold() {
    #expect(JUnitWriter.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;\u{FFFD}")
    #expect(JUnitWriter.escape("say \"hi\"\n", attribute: false) == "say \"hi\"\n")
}

@Test func githubCommandsEscapeTheirSpecialCharacters() {
    #expect(CheckReportWriter.escapeData("50%\r\nnext") == "50%25%0D%0Anext")
    #expect(CheckReportWriter.escapeProperty("a:b,c") == "a%3Ab%2Cc")
}

@Test func sarifRuleIDsAreStableSlugs() {
    let rule = CheckRule(
        name: "Frontend never reaches DB (prod)!",
        assertion: .noDefaultAllow(namespace: nil),
        location: SourceLocation(file: "r", line: 1, column: 1)
    )
    #expect(CheckReportWriter.ruleID(rule) == "check/frontend-never-reaches-db-prod")
}
