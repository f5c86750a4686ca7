package import KubeModel
import Parallel

extension ClassModel {
    /// What the reader should know about the points the network plugin decides: an ipBlock that holds pod IPs or
    /// node addresses (almost always a mistake, and on some plugins it silently does nothing), with
    /// `ipBlockMatchesPods` the pods that have no IP to match, and the host-network pods no policy governs. Pod IPs
    /// come from `status` (a live-cluster dump).
    /// - Complexity: O(ipBlocks × log(pod IPs) + matches).
    package func pluginWarnings() -> [Diagnostic] {
        let anyBlock = cluster.policies.contains { policy in
            Direction.allCases.contains { direction in
                policy.rules(direction).contains { rule in
                    rule.peers?.contains { if case .ipBlock = $0 { true } else { false } } ?? false
                }
            }
        }
        var podIPs: [(address: IPAddress, endpoint: Int)] = []
        var nodeIPs: [(address: IPAddress, endpoint: Int)] = []
        if anyBlock {
            for e in cluster.endpoints.indices where !cluster.endpoints[e].hostNetwork {
                for address in cluster.endpoints[e].addresses { podIPs.append((address, e)) }
            }
            for e in cluster.endpoints.indices
            where !cluster.endpoints[e].nodeAddresses.isEmpty || cluster.endpoints[e].hostNetwork {
                let endpoint = cluster.endpoints[e]
                for address in Set(endpoint.nodeAddresses + (endpoint.hostNetwork ? endpoint.addresses : [])) {
                    nodeIPs.append((address, e))
                }
            }
            // Sorted by address on every core (150,000 pod IPs of a live-cluster dump: a fifth of a second on one).
            podIPs = Self.sortedByAddress(podIPs)
            nodeIPs = Self.sortedByAddress(nodeIPs)
        }
        let nodeReading =
            settings.ipBlockMatchesNodes
            ? "netreach matches the host-network pods there (\(settings.name))"
            : "netreach reads them as addresses outside the cluster (\(settings.name)); on Calico pass --cni calico, on Cilium in its nodes mode --ipblock-nodes"
        var warnings: [Diagnostic] = []
        var seen = [Int](repeating: -1, count: cluster.endpoints.count)
        var search = 0
        /// The endpoints (ascending) with an address of `list` in `set`; `seen` stamps them without a Set per block.
        func endpoints(in set: IPSet, _ list: [(address: IPAddress, endpoint: Int)]) -> [Int] {
            search += 1
            var out: [Int] = []
            for e in Self.matches(of: set, in: list) where seen[e] != search {
                seen[e] = search
                out.append(e)
            }
            return out.sorted()
        }
        if !podIPs.isEmpty || !nodeIPs.isEmpty {
            for policy in cluster.policies {
                for direction in Direction.allCases {
                    for (r, rule) in policy.rules(direction).enumerated() {
                        for (q, peer) in (rule.peers ?? []).enumerated() {
                            guard case .ipBlock(let block) = peer else { continue }
                            let field = "spec.\(direction.specField)[\(r)].\(direction.peerField)[\(q)]"
                            let nodes = endpoints(in: IPSet(block), nodeIPs)
                            if !nodes.isEmpty {
                                warnings.append(
                                    .warning(
                                        "\(field) of NetworkPolicy \(policy.id), ipBlock \(block.cidr), holds the node addresses of \(nodes.count) \(nodes.count == 1 ? "endpoint" : "endpoints") (\(cluster.endpoints[nodes[0]].id)\(nodes.count > 1 ? ", …" : "")): host-network pods and the kubelet answer there, and plugins differ on whether ipBlocks match node addresses (Calico does, Cilium only in its nodes mode); \(nodeReading)",
                                        at: rule.location ?? policy.location,
                                        group: "ipBlocks that hold node addresses"
                                    )
                                )
                            }
                            let held = endpoints(in: IPSet(block), podIPs)
                            guard let first = held.first else { continue }
                            let reading =
                                settings.ipBlockMatchesPods
                                ? "netreach matches \(held.count == 1 ? "it" : "them") (\(settings.name)), as Calico, OVN-Kubernetes and Antrea do"
                                : "netreach reads ipBlocks as addresses outside the cluster (\(settings.name)), as Cilium and the peers do; on Calico, OVN-Kubernetes or Antrea pass --cni with its name"
                            warnings.append(
                                .warning(
                                    "\(field) of NetworkPolicy \(policy.id), ipBlock \(block.cidr), holds the IPs of \(held.count) \(held.count == 1 ? "pod" : "pods") (\(cluster.endpoints[first].id)\(held.count > 1 ? ", …" : "")): \(reading); select pods with podSelector and namespaceSelector instead",
                                    at: rule.location ?? policy.location,
                                    group: "ipBlocks that hold pod IPs"
                                )
                            )
                        }
                    }
                }
            }
        }
        if settings.ipBlockMatchesPods {
            let without = cluster.endpoints.filter { $0.addresses.isEmpty && !$0.hostNetwork }.count
            if without > 0 {
                warnings.append(
                    .warning(
                        "\(without) \(without == 1 ? "endpoint has" : "endpoints have") no pod IP in the input (status.podIP); ipBlocks cannot match \(without == 1 ? "it" : "them") (\(settings.name)), selectors only (read the pods from the cluster: kubectl get pods -A -o yaml)"
                    )
                )
            }
        }
        let ungoverned = cluster.endpoints.filter(settings.isUngoverned)
        if let first = ungoverned.first {
            let count = ungoverned.count
            warnings.append(
                .warning(
                    "\(count) host-network \(count == 1 ? "endpoint is" : "endpoints are") governed by no NetworkPolicy (\(settings.name)): \(count == 1 ? "it sends" : "they send") and \(count == 1 ? "accepts" : "accept") everything, and only rules without peers\(settings.ipBlockMatchesNodes ? " and ipBlocks holding node addresses" : "") match \(count == 1 ? "it" : "them") as a peer (\(first.id)\(count > 1 ? ", …" : "")); \(count == 1 ? "its" : "their") flows are marked default-allow",
                    at: first.location
                )
            )
        }
        return warnings
    }

    /// `list` sorted by address, ties in list order.
    private static func sortedByAddress(
        _ list: [(address: IPAddress, endpoint: Int)]
    ) -> [(address: IPAddress, endpoint: Int)] {
        // Compared as numbers (IPAddress's `<` from another module is a call through its protocol per comparison).
        let families = list.map { $0.address.family.rawValue }
        let values = list.map(\.address.value)
        let order = Parallel.sortedIndices(list.count) { a, b in
            families[a] != families[b]
                ? families[a] < families[b] : values[a] != values[b] ? values[a] < values[b] : a < b
        }
        return order.map { list[$0] }
    }

    /// The endpoints of the entries of `list` (sorted by address) whose address is in `set`, with repeats.
    private static func matches(of set: IPSet, in list: [(address: IPAddress, endpoint: Int)]) -> [Int] {
        var out: [Int] = []
        for range in set.ranges {
            let lower = IPAddress(family: range.family, value: range.bounds.lowerBound)
            var low = 0
            var high = list.count
            while low < high {
                let mid = (low + high) / 2
                if list[mid].address < lower { low = mid + 1 } else { high = mid }
            }
            while low < list.count, list[low].address.family == range.family,
                list[low].address.value <= range.bounds.upperBound
            {
                out.append(list[low].endpoint)
                low += 1
            }
        }
        return out
    }
}
