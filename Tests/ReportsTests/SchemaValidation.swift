import Foundation

/// A schema that `make deps` did not fetch: the test fails rather than pass on a validator that could not run.
struct MissingSchema: Error, CustomStringConvertible {
    var path: String
    var description: String { "missing schema \(path): run 'make deps'" }
}

/// Runs scripts/validate.py (jsonschema for JSON schemas, lxml for XSD) with Debian's python3, where
/// `make deps` installed those modules; returns the exit status and what it printed.
/// - Throws: `MissingSchema` when the schema file is not there.
func runValidator(schema: String, document: String) throws -> (Int32, String) {
    guard FileManager.default.fileExists(atPath: schema) else { throw MissingSchema(path: schema) }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let process = Process()
    let system = "/usr/bin/python3"
    if FileManager.default.isExecutableFile(atPath: system) {
        process.executableURL = URL(fileURLWithPath: system)
        process.arguments = [root + "/scripts/validate.py", schema, document]
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root + "/scripts/validate.py", schema, document]
    }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A schema fetched by `make deps` (scripts/fetch-schemas.sh) into .build/schemas.
func schemaPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/.build/schemas/" + name
}
