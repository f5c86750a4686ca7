package import Reachability

/// How reports name the network-plugin settings an answer was computed with (README.md, "Network plugins").
package enum PluginText {
    /// The txt header line: `# network plugin: --cni calico (ipBlocks match pod IPs and node addresses; host-network
    /// pods are governed by no policy)`.
    package static func header(_ settings: EngineSettings) -> String {
        var matches = ["addresses outside the cluster"]
        if settings.ipBlockMatchesPods { matches.append("pod IPs") }
        if settings.ipBlockMatchesNodes { matches.append("node addresses") }
        let list =
            matches.count == 1
            ? "only " + matches[0] : matches.dropLast().joined(separator: ", ") + " and " + (matches.last ?? "")
        let hostNetwork =
            settings.hostNetworkPodsGoverned
            ? "policies govern host-network pods as pods" : "host-network pods are governed by no policy"
        return "# network plugin: \(settings.name) (ipBlocks match \(list); \(hostNetwork))"
    }

    /// The JSON field (`networkPlugin`) and SARIF run property.
    static func json(_ settings: EngineSettings) -> JSONValue {
        .object([
            ("profile", .string(settings.plugin.rawValue)),
            ("flags", .string(settings.name)),
            ("ipBlockMatchesPods", .bool(settings.ipBlockMatchesPods)),
            ("ipBlockMatchesNodes", .bool(settings.ipBlockMatchesNodes)),
            ("hostNetworkPodsGoverned", .bool(settings.hostNetworkPodsGoverned)),
        ])
    }
}
