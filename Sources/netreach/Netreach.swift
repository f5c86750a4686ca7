import ArgumentParser

@main
struct Netreach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netreach",
        abstract: "Kubernetes NetworkPolicy reachability analyzer: who can reach whom, on which ports.",
        discussion: """
            Reads Namespaces, Pods, workloads and NetworkPolicies from manifest files, directories or '-' \
            (standard input). Exit status: 0 success, 2 unusable input, 64 wrong command-line usage.
            """,
        version: "0.1.0",
        subcommands: [ListCommand.self, GraphCommand.self, AuditCommand.self, CheckCommand.self]
    )
}
