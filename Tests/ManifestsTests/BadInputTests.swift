import Foundation
import KubeModel
import Manifests
import Testing

@Test func syntaxErrorIsLocated() {
    let e = loadError("apiVersion: v1\nkind: Pod\nmetadata: {name: [a\n")
    #expect(e?.location?.description == "test.yaml:4:1")
    #expect(e?.message.hasPrefix("did not find expected ',' or ']'") == true)
}

@Test func tabIndentationIsLocatedWithAHint() {
    let e = loadError("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n")
    #expect(e?.location?.description == "test.yaml:4:1")
    #expect(e?.hint == "YAML indentation must use spaces; replace the tab with spaces")
}

@Test func invalidUTF8IsLocated() {
    let e = loadError(Array("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ".utf8) + [0xC3, 0x28, 0x0A])
    #expect(e?.location?.description == "test.yaml:4:10")
    #expect(e?.description.contains("invalid trailing UTF-8 octet") == true)
}

@Test func aliasBombIsRejected() {
    var text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in 1...9 {
        text += "  a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]\n"
    }
    let e = loadError(text)
    #expect(e?.message == "aliases expand to more than 1000000 nodes (each counted at every use)")
    #expect(e?.location?.line == 11)
}

@Test func nestingTenThousandDeepIsRejected() {
    let e = loadError(
        "apiVersion: v1\nkind: Pod\nmetadata: " + String(repeating: "[", count: 10_000)
            + String(repeating: "]", count: 10_000)
    )
    #expect(e?.description.hasPrefix("test.yaml:3:74: error: nesting deeper than 64 levels") == true)
}

@Test func aFileOverTheLimitIsRejectedWithoutReadingIt() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/huge.yaml"
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 3 << 30)  // sparse: nothing is written
    try handle.close()
    #expect(
        throws: Diagnostic(
            "file is 3221225472 bytes, more than the limit of 2147483648 bytes (2 GiB)",
            at: .init(file: path, line: 1, column: 1),
            hint:
                "split the manifests into several files, or raise the limit with --max-input-size (netreach holds a file in memory while it reads it)"
        )
    ) {
        try ManifestLoader.load([path])
    }
}

@Test func invalidCIDRIsLocated() {
    let e = loadError(policy(ingress: "  - from:\n      - ipBlock: {cidr: 10.0.0.0/33}"))
    #expect(
        e?.description == """
            test.yaml:10:25: error: invalid CIDR '10.0.0.0/33' in spec.ingress[0].from[0].ipBlock.cidr
              hint: write an address and a prefix length, such as 10.0.0.0/8 (prefix 0-32 for IPv4, 0-128 for IPv6)
            """
    )
}

@Test func exceptOutsideItsCIDRIsAnError() {
    let e = loadError(
        policy(ingress: "  - from:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [192.168.0.0/16]")
    )
    #expect(e?.location?.description == "test.yaml:12:20")
    #expect(
        e?.message
            == "except '192.168.0.0/16' in spec.ingress[0].from[0].ipBlock.except[0] is not inside cidr '10.0.0.0/8'"
    )
}

@Test(arguments: [(0, "10:15"), (70000, "10:15")])
func portOutOfRangeIsAnError(port: Int, location: String) {
    let e = loadError(policy(ingress: "  - ports:\n      - port: \(port)"))
    #expect(e?.location?.description == "test.yaml:\(location)")
    #expect(e?.message == "spec.ingress[0].ports[0].port \(port) is out of range")
    #expect(e?.hint == "ports are numbers from 1 to 65535")
}

@Test func endPortBelowPortIsAnError() {
    let e = loadError(policy(ingress: "  - ports:\n      - port: 8080\n        endPort: 80"))
    #expect(e?.location?.description == "test.yaml:11:18")
    #expect(e?.message == "spec.ingress[0].ports[0].endPort 80 is below port 8080")
}

@Test func endPortWithANamedPortIsAnError() {
    let e = loadError(policy(ingress: "  - ports:\n      - port: http\n        endPort: 90"))
    #expect(e?.message == "spec.ingress[0].ports[0].endPort needs a numeric port")
}

@Test func icmpIsNotAProtocolOfNetworkPolicy() {
    let e = loadError(policy(ingress: "  - ports:\n      - protocol: ICMP"))
    #expect(e?.location?.description == "test.yaml:10:19")
    #expect(e?.message == "unsupported protocol 'ICMP' in spec.ingress[0].ports[0].protocol")
}

@Test func unknownSelectorOperatorIsAnError() {
    let e = loadError(
        policy(
            ingress:
                "  - from:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: Maybe, values: [a]}"
        )
    )
    #expect(e?.location?.description == "test.yaml:12:36")
    #expect(
        e?.message
            == "unknown selector operator 'Maybe' in spec.ingress[0].from[0].podSelector.matchExpressions[0].operator"
    )
    #expect(e?.hint == "use In, NotIn, Exists or DoesNotExist")
}

@Test func valuesGivenToExistsIsAnError() {
    let e = loadError(
        policy(
            ingress:
                "  - from:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: Exists, values: [a]}"
        )
    )
    #expect(
        e?.message == "operator 'Exists' in spec.ingress[0].from[0].podSelector.matchExpressions[0] takes no values"
    )
    #expect(e?.location?.description == "test.yaml:12:52")
}

@Test func inWithoutValuesIsAnError() {
    let e = loadError(
        policy(
            ingress:
                "  - from:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: In}"
        )
    )
    #expect(
        e?.message
            == "operator 'In' in spec.ingress[0].from[0].podSelector.matchExpressions[0] needs at least one value"
    )
}

@Test func invalidPortNameIsAnError() {
    let e = loadError(policy(ingress: "  - ports:\n      - port: Not_A_Name"))
    #expect(e?.message == "invalid port name 'Not_A_Name' in spec.ingress[0].ports[0].port")
}

@Test func emptyPeerIsAnError() {
    let e = loadError(policy(ingress: "  - from:\n      - {}"))
    #expect(e?.message == "spec.ingress[0].from[0] has none of podSelector, namespaceSelector, ipBlock")
}

@Test func wrongShapeNamesTheField() {
    let e = loadError(policy(ingress: "  - from: web"))
    #expect(e?.description == "test.yaml:9:11: error: spec.ingress[0].from must be a list, found a scalar")
}

@Test func policyWithoutPodSelectorIsAnError() {
    let e = loadError(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  policyTypes: [Ingress]\n"
    )
    #expect(e?.message == "NetworkPolicy 'p' has no 'spec.podSelector'")
    #expect(e?.hint == "add 'podSelector: {}' to select every pod of the namespace")
}

@Test func directoryWithNoManifestsIsAnError() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data("hello".utf8))
    #expect(
        throws: Diagnostic(
            "no manifests (.yaml, .yml or .json files) in directory '\(dir)'",
            at: .init(file: dir, line: 1, column: 1),
            hint: "point netreach at the directory that holds your Kubernetes manifests"
        )
    ) {
        try ManifestLoader.load([dir])
    }
}

@Test func missingPathIsAnError() {
    #expect(
        throws: Diagnostic(
            "no such file or directory 'does/not/exist'",
            at: .init(file: "does/not/exist", line: 1, column: 1),
            hint: "pass manifest files, directories of them, or '-' for standard input"
        )
    ) {
        try ManifestLoader.load(["does/not/exist"])
    }
}

@Test func nothingButNonKubernetesDocumentsIsAnError() {
    let e = loadError("just: some\nconfig: file\n")
    #expect(e?.message == "no Kubernetes objects to analyze in 'test.yaml'")
    #expect(e?.location?.description == "test.yaml:1:1")
}

@Test func keepGoingSkipsABadDocumentWithAWarning() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: good}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: [broken
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: also-good}
        """
    #expect(loadError(text) != nil)
    let result = try load(text, keepGoing: true)
    #expect(result.cluster.endpoints.map(\.id) == ["default/also-good[Pod]", "default/good[Pod]"])
    #expect(
        result.warnings.map(\.description).contains {
            $0.hasPrefix("test.yaml:8:1: warning: skipped document: did not find expected")
        }
    )
}

@Test func keepGoingSkipsAnInvalidPolicyToo() throws {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n" + policy(ingress: "  - ports:\n      - port: 0")
    let result = try load(text, keepGoing: true)
    #expect(result.cluster.policies.isEmpty)
    #expect(
        result.warnings.first?.description
            == "test.yaml:14:15: warning: skipped document: spec.ingress[0].ports[0].port 0 is out of range"
    )
}
