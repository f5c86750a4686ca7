import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Netreach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netreach",
        abstract: "Kubernetes NetworkPolicy reachability analyzer: who can reach whom, on which ports.",
        discussion: """
            Reads Namespaces, Pods, workloads, NetworkPolicies, admin policy tiers and ways in from manifest files, \
            directories or '-' \
            (standard input). Exit status: 0 success, 2 unusable input, 64 wrong command-line usage.

            Examples:
              netreach list k8s/
              netreach graph k8s/ --to db/postgres -o who-reaches-db.svg
              netreach check --rules rules.yaml k8s/
            """,
        version: BuildInfo.description,
        subcommands: [
            ListCommand.self, ExplainCommand.self, DiffCommand.self, GraphCommand.self, AuditCommand.self,
            CheckCommand.self, VersionCommand.self, FloorCommand.self,
        ]
    )

    /// Writes that fail (a closed pipe, a full disk, a file-size limit) are errors that netreach reports, exit 2,
    /// and clean up after: so SIGPIPE and SIGXFSZ must not end the process before it can.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
