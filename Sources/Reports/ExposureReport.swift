import KubeModel
import Reachability

/// Writes an exposure analysis (`list --exposure`): in JSON the `exposure` and `unprotected` members the exposure
/// oracle reads, in txt a section after the flows, for a person.
enum ExposureReport {
    /// `"exposure": […], "unprotected": […]`, to follow the flows inside the list's JSON object.
    static func writeJSON(_ exposure: Exposure, of result: Reachability, to out: inout some TextOutputStream) {
        let names = result.peers.map(\.name)
        var entries: [JSONValue] = exposure.entries.map { entry in
            .object([
                ("workload", .string(names[entry.endpoint])),
                ("direction", .string(entry.direction.rawValue.lowercased())),
                ("peer", peer(entry.peer)),
                ("conn", .string(entry.connections.description)),
            ])
        }
        entries += exposure.addresses.map { entry in
            .object([
                ("workload", .string(names[entry.endpoint])),
                ("direction", .string(entry.direction.rawValue.lowercased())),
                ("peer", .object([("ip", .string(entry.addresses.description))])),
                ("conn", .string(entry.connections.description)),
            ])
        }
        out.write(",\n  \"exposure\": ")
        JSONValue.array(entries).write(to: &out, indent: "  ")
        out.write(",\n  \"unprotected\": ")
        JSONValue.array(
            exposure.unprotected.map {
                .object([
                    ("workload", .string(names[$0.endpoint])),
                    ("direction", .string($0.direction.rawValue.lowercased())),
                ])
            }
        ).write(to: &out, indent: "  ")
    }

    private static func peer(_ peer: ExposedPeer) -> JSONValue {
        func terms(_ selector: LabelSelector?) -> JSONValue {
            .array((selector?.kubectlTerms ?? []).map(JSONValue.string))
        }
        switch peer {
        case .entireCluster: return .object([("entire_cluster", .bool(true))])
        case .namespace(let name, let pods):
            return .object([("namespace", .string(name)), ("pod_selector", terms(pods))])
        case .namespaces(let namespaces, let pods):
            return .object([("namespace_selector", terms(namespaces)), ("pod_selector", terms(pods))])
        }
    }

    /// The txt section: each workload's exposure (`=>` egress, `<=` ingress), then what no policy protects.
    static func writeText(_ exposure: Exposure, of result: Reachability, to out: inout some TextOutputStream) {
        let names = result.peers.map(\.name)
        out.write("\nExposure: what the rules admit beyond the pods in the input\n")
        if exposure.entries.isEmpty && exposure.addresses.isEmpty { out.write("(none)\n") }
        // Per workload: egress then ingress, selector peers then addresses.
        var lines: [Int: [(Direction, String)]] = [:]
        for entry in exposure.entries {
            lines[entry.endpoint, default: []].append(
                (entry.direction, "\(entry.peer.description) : \(entry.connections.description)")
            )
        }
        for entry in exposure.addresses {
            lines[entry.endpoint, default: []].append(
                (entry.direction, "\(entry.addresses.description) : \(entry.connections.description)")
            )
        }
        for endpoint in lines.keys.sorted(by: { names[$0] < names[$1] }) {
            let sorted = (lines[endpoint] ?? []).enumerated().sorted {
                ($0.element.0 == .egress ? 0 : 1, $0.offset) < ($1.element.0 == .egress ? 0 : 1, $1.offset)
            }
            for (_, (direction, text)) in sorted {
                out.write("\(names[endpoint]) \(direction == .egress ? "=>" : "<=") \(text)".escapedForDisplay + "\n")
            }
        }
        out.write("\nNot protected by any policy:\n")
        if exposure.unprotected.isEmpty { out.write("(none)\n") }
        for (endpoint, direction) in exposure.unprotected {
            out.write("\(names[endpoint]) on \(direction.rawValue.lowercased())".escapedForDisplay + "\n")
        }
    }
}
