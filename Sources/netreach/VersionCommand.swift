import ArgumentParser
import CBuildInfo
import Reports

/// What `netreach version` and `--version` print.
enum BuildInfo {
    /// The release (CHANGELOG.md); SARIF names it as the tool's version too.
    static let version = AuditReportWriter.toolVersion

    /// The git commit of the build (`unknown` outside `make`).
    static var commit: String { String(cString: netreach_build_commit()) }

    /// `0.1.0 (commit 1a2b3c4d5e6f)`.
    static var description: String { "\(version) (commit \(commit))" }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version and the git commit netreach was built from.",
        discussion: """
            Examples:
              netreach version
              netreach --version
            """
    )

    func run() throws {
        print("netreach \(BuildInfo.description)")
    }
}
