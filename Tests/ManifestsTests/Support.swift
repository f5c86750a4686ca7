import Foundation
import KubeModel
import Manifests

func load(_ text: String, keepGoing: Bool = false) throws(Diagnostic) -> LoadResult {
    try ManifestLoader.load(bytes: Array(text.utf8), name: "test.yaml", options: LoadOptions(keepGoing: keepGoing))
}

func loadError(_ text: String) -> Diagnostic? {
    loadError(Array(text.utf8))
}

func loadError(_ bytes: [UInt8]) -> Diagnostic? {
    do {
        _ = try ManifestLoader.load(bytes: bytes, name: "test.yaml")
        return nil
    } catch {
        return error
    }
}

/// A fresh temporary directory, removed by the caller with `cleanUp`.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "netreach-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A policy document with `rule` placed as the only ingress rule.
func policy(ingress rule: String) -> String {
    """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: p
      namespace: shop
    spec:
      podSelector: {}
      ingress:
    \(rule)
    """
}
