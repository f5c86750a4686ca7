import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Test(arguments: [
    ("github-actions.yml", "github-workflows.json"), ("github-pull-request-diff.yml", "github-workflows.json"),
    ("gitlab-ci.yml", "gitlab-ci.json"),
])
func ciExamplesAreValidForTheirSystems(file: String, schema: String) throws {
    let schema = schemaPath(schema)
    #expect(FileManager.default.fileExists(atPath: schema), "missing \(schema): run 'make deps'")
    let (status, output) = try runValidator(schema: schema, document: root + "/examples/ci/" + file)
    #expect(status == 0, "\(file) is not valid:\n\(output)")
}

@Test func theWorkflowSchemaRejectsAMistake() throws {
    let path = NSTemporaryDirectory() + "netreach-\(UUID().uuidString).yml"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n".write(
        toFile: path,
        atomically: true,
        encoding: .utf8
    )
    let (status, output) = try runValidator(schema: schemaPath("github-workflows.json"), document: path)
    #expect(status == 1)
    #expect(output.contains("'stepz'") && output.contains("is not valid"), "\(output)")
}
