import Foundation
import Testing

/// Golden files: what a test compares its output with, under `Fixtures/`.
///
/// `NETREACH_UPDATE_GOLDEN=1 swift test` rewrites them, and every rewrite is recorded as an issue, so a run in
/// update mode never passes: a wrong engine cannot rewrite the fixtures and go green. Review the diff, then run
/// the tests again without the variable. A missing golden file is an issue too; it is written only in update mode.
public enum Golden {
    /// Whether this run rewrites golden files (`NETREACH_UPDATE_GOLDEN=1`).
    public static let updating = ProcessInfo.processInfo.environment["NETREACH_UPDATE_GOLDEN"] == "1"

    /// The repository root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Expects `actual` to equal the golden file at `path` (absolute, or relative to the repository root).
    public static func check(_ actual: String, against path: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let full = path.hasPrefix("/") ? path : root + "/" + path
        let shown = full.hasPrefix(root + "/") ? String(full.dropFirst(root.count + 1)) : full
        let expected = try? String(contentsOfFile: full, encoding: .utf8)
        if updating {
            guard expected != actual else { return }
            do {
                try actual.write(toFile: full, atomically: true, encoding: .utf8)
                Issue.record(
                    "golden rewritten: \(shown); review the diff, then rerun without NETREACH_UPDATE_GOLDEN",
                    sourceLocation: sourceLocation
                )
            } catch {
                Issue.record("cannot rewrite golden \(shown): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected else {
            Issue.record(
                "golden file \(shown) is missing: run with NETREACH_UPDATE_GOLDEN=1 to write it, then review it",
                sourceLocation: sourceLocation
            )
            return
        }
        #expect(
            actual == expected,
            "\(shown) differs; rerun with NETREACH_UPDATE_GOLDEN=1 to accept",
            sourceLocation: sourceLocation
        )
    }
}
