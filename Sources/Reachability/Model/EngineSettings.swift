package import KubeModel

/// A network plugin whose reading of the points the Kubernetes API leaves open netreach knows. README.md
/// ("Network plugins") gives each profile's settings with their sources.
package enum NetworkPlugin: String, CaseIterable, Hashable, Sendable {
    /// The peers' reading (netpol-analyzer, NCA): ipBlocks are outside the cluster, host-network pods are pods.
    case generic
    case calico
    case cilium
    case ovnKubernetes = "ovn-kubernetes"
    case antrea
}

/// The points the Kubernetes API leaves to the network plugin. The defaults (`generic`) are the peers' reading.
package struct EngineSettings: Hashable, Sendable {
    /// The profile the settings start from; reports name it.
    package var plugin: NetworkPlugin
    /// An ipBlock (cidr minus except) also matches every pod-network pod whose IP it holds, as a source or a
    /// destination (Calico, OVN-Kubernetes, Antrea, the upstream e2e suite); pods without an IP are matched by
    /// selectors only.
    package var ipBlockMatchesPods: Bool
    /// An ipBlock also matches the host-network pods whose node address (`status.podIP(s)`, `status.hostIP`) it
    /// holds (Calico; Cilium only with `policy-cidr-match-mode: nodes`).
    package var ipBlockMatchesNodes: Bool
    /// Policies select host-network pods and selectors match them, as any pod (the peers). When false (every plugin
    /// netreach has a profile for), a host-network pod is governed by no policy (it sends and accepts everything),
    /// and as a peer only a rule without peers, or an ipBlock holding its node address with `ipBlockMatchesNodes`,
    /// matches it: its traffic is the node's.
    package var hostNetworkPodsGoverned: Bool

    /// The settings of a profile, with any point set explicitly on top (nil keeps the profile's).
    package init(plugin: NetworkPlugin = .generic, ipBlockMatchesPods: Bool? = nil, ipBlockMatchesNodes: Bool? = nil) {
        self.plugin = plugin
        let profile = Self.profile(plugin)
        self.ipBlockMatchesPods = ipBlockMatchesPods ?? profile.pods
        self.ipBlockMatchesNodes = ipBlockMatchesNodes ?? profile.nodes
        self.hostNetworkPodsGoverned = profile.governed
    }

    /// A profile's settings (README.md has the sources; a point no source settles keeps the generic reading).
    private static func profile(_ plugin: NetworkPlugin) -> (pods: Bool, nodes: Bool, governed: Bool) {
        switch plugin {
        case .generic: (false, false, true)
        case .calico: (true, true, false)
        case .cilium: (false, false, false)
        case .ovnKubernetes: (true, false, false)
        case .antrea: (true, false, false)
        }
    }

    /// The points set differently from the profile's own settings, as their command-line flags.
    package var overrides: [String] {
        let profile = Self.profile(plugin)
        var out: [String] = []
        if ipBlockMatchesPods != profile.pods {
            out.append(ipBlockMatchesPods ? "--ipblock-pods" : "--no-ipblock-pods")
        }
        if ipBlockMatchesNodes != profile.nodes {
            out.append(ipBlockMatchesNodes ? "--ipblock-nodes" : "--no-ipblock-nodes")
        }
        return out
    }

    /// The profile and the points set on top of it, as the command line writes them: `--cni cilium --ipblock-nodes`.
    package var name: String { "--cni " + ([plugin.rawValue] + overrides).joined(separator: " ") }

    /// Whether an endpoint is left out of every policy: a host-network pod on a plugin that does not govern them.
    package func isUngoverned(_ endpoint: Endpoint) -> Bool {
        endpoint.hostNetwork && !hostNetworkPodsGoverned
    }

    /// The addresses an ipBlock matches an endpoint by: a pod-network pod's IPs with `ipBlockMatchesPods`, a
    /// host-network pod's node addresses with `ipBlockMatchesNodes`.
    package func ipBlockAddresses(of endpoint: Endpoint) -> [IPAddress] {
        if endpoint.hostNetwork {
            return ipBlockMatchesNodes ? Array(Set(endpoint.addresses + endpoint.nodeAddresses)).sorted() : []
        }
        return ipBlockMatchesPods ? endpoint.addresses : []
    }
}
