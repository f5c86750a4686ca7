import KubeModel
import Manifests
import Reachability

/// Analyzes YAML manifests and returns `src => dst : conn` lines in the engine's order.
func flows(_ yaml: String) throws -> [String] {
    let result = try analyze(yaml)
    return result.flows.map {
        "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name) : \($0.connections)"
    }
}

func analyze(_ yaml: String) throws -> Reachability {
    let loaded = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "test.yaml")
    return PolicyEngine(cluster: loaded.cluster).analyze()
}

/// Only the flows between cluster endpoints (no external addresses).
func podFlows(_ yaml: String) throws -> [String] {
    try flows(yaml).filter { !($0.first?.isNumber ?? true) && !$0.contains("=> 0") && !$0.contains(":: ") }
}

func namespace(_ name: String, _ labels: String = "{}") -> String {
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(name), labels: \(labels)}\n---\n"
}

func pod(_ name: String, ns: String = "default", labels: String = "{}", ports: String = "[]", extra: String = "")
    -> String
{
    "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: \(ns), labels: \(labels)}\nspec: {\(extra)containers: [{name: c, ports: \(ports)}]}\n---\n"
}

func netpol(_ name: String, ns: String = "default", _ spec: String) -> String {
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(name), namespace: \(ns)}\nspec: \(spec)\n---\n"
}
