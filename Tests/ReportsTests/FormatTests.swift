import Foundation
import KubeModel
import Manifests
import Reachability
import TestSupport
import Testing

@testable import Reports

private func report(_ yaml: String, _ format: ReportFormat) throws -> String {
    let loaded = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml")
    var text = ""
    FlowReport.write(PolicyEngine(cluster: loaded.cluster).analyze(), format: format, to: &text)
    return text
}

private let twoPods = """
    apiVersion: v1
    kind: Pod
    metadata: {name: "a,\\"b", namespace: x}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: "c|d", namespace: x}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: x}
    spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{ports: [{port: 80}, {port: 53, protocol: UDP}]}], egress: [{}]}
    """

@Test func csvQuotesFieldsWithCommasAndQuotes() throws {
    let text = try report(twoPods, .csv)
    #expect(text.hasPrefix("src,dst,conn,default_allow\n"))
    #expect(text.contains("\"x/a,\"\"b[Pod]\",x/c|d[Pod],TCP 80; UDP 53,\n"))
}

@Test func markdownEscapesPipes() throws {
    let text = try report(twoPods, .md)
    #expect(
        text.hasPrefix("Network plugin: `--cni generic`\n\n| src | dst | conn | default-allow |\n|---|---|---|---|\n")
    )
    #expect(text.contains("| x/a,\"b[Pod] | x/c\\|d[Pod] | TCP 80; UDP 53 |  |"))
}

@Test func jsonEscapesAndIsOneObjectPerLine() throws {
    let text = try report(twoPods, .json)
    #expect(
        text.contains(
            #"    {"src": "x/a,\"b[Pod]", "dst": "x/c|d[Pod]", "conn": "TCP 80; UDP 53", "defaultAllow": []},"#
        )
    )
    #expect(text.hasPrefix("{\n  \"networkPlugin\": {\n    \"profile\": \"generic\",") && text.hasSuffix("\n  ]\n}\n"))
}

@Test func jsonMarksDefaultAllowedHops() throws {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"
    let text = try report(yaml, .json)
    #expect(
        text.contains(
            #"{"src": "default/a[Pod]", "dst": "default/b[Pod]", "conn": "All Connections", "defaultAllow": ["egress", "ingress"]}"#
        )
    )
}

@Test func emptyResultIsAnEmptyFlowArrayAndTheHeader() throws {
    let yaml =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
    #expect(try report(yaml, .json).hasSuffix("\n  },\n  \"flows\": []\n}\n"))
    #expect(
        try report(yaml, .txt)
            == "# network plugin: --cni generic (ipBlocks match only addresses outside the cluster; policies govern host-network pods as pods)\n"
    )
}

@Test func formatNames() {
    #expect(ReportFormat.names == ["txt", "json", "csv", "md"])
    #expect(ReportFormat(name: "xml") == nil)
    #expect(ReportFormat(name: "json") == .json)
}

/// More flows than one expansion block (65,536) and than one rendering block (32,768): the blocks must join into
/// the same text, with JSON commas right at every seam.
@Test(arguments: ["txt", "json"])
func listsSpanningManyBlocksStreamLikeOneList(format: String) throws {
    var yaml = ""
    for i in 0..<300 { yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: wide}\n---\n" }
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "wide.yaml").cluster
    let report = try #require(ReportFormat(name: format))
    let compact = PolicyEngine(cluster: cluster).analyze()
    #expect(compact.flowCount == 300 * 299 + 2 * 300)
    var streamed = ""
    FlowReport.write(compact, format: report, to: &streamed)
    // The same flows read one at a time, without blocks.
    let pairs = compact.flows.map { (compact.peers[$0.source].name, compact.peers[$0.destination].name) }
    #expect(pairs.count == compact.flowCount)
    if format == "json" {
        let object = try JSONSerialization.jsonObject(with: Data(streamed.utf8)) as? [String: Any]
        let decoded = try #require(object?["flows"] as? [[String: Any]])
        #expect(decoded.count == compact.flowCount)
        let written = decoded.map { ($0["src"] as? String ?? "", $0["dst"] as? String ?? "") }
        #expect(written.elementsEqual(pairs) { $0 == $1 })
    } else {
        let lines = streamed.split(separator: "\n").dropFirst()  // the network-plugin header
        #expect(lines.count == compact.flowCount)
        #expect(lines.elementsEqual(pairs) { $0.hasPrefix("\($1.0) => \($1.1) : ") })
    }
}

/// Findings written field by field (`JSONValue.writtenObjects`) are the same text as the same fields built as values
/// (`.objects`), whatever the strings hold and however many locations and pieces of evidence there are.
@Test func writtenObjectsAreTheTextOfTheSameValues() {
    var random = SplitMix(state: 61)
    let strings = [
        "plain", "", "quote \" and \\ backslash", "line\nbreak\ttab\r", "bell \u{07} and del \u{7F}",
        "bidi \u{202E}override", "é accents and 日本", "ns/name[Pod]",
    ]
    struct Item {
        var id: String
        var locations: [(String, Int, Int)]
        var evidence: [String]
        var note: String?
    }
    let items = (0..<300).map { _ in
        Item(
            id: random.pick(strings),
            locations: (0..<Int(random.next() % 4)).map { _ in
                (random.pick(strings), Int(random.next() % 100_000), Int(random.next() % 80) + 1)
            },
            evidence: (0..<Int(random.next() % 4)).map { _ in random.pick(strings) },
            note: random.next() % 3 == 0 ? random.pick(strings) : nil
        )
    }
    for count in [0, 1, 2, 33, items.count] {
        let values = JSONValue.object([
            ("count", .int(count)),
            (
                "items",
                .objects(count: count) { i in
                    var pairs: [(String, JSONValue)] = [
                        ("id", .string(items[i].id)),
                        (
                            "locations",
                            .array(
                                items[i].locations.map {
                                    .object([("file", .string($0.0)), ("line", .int($0.1)), ("column", .int($0.2))])
                                }
                            )
                        ),
                        ("evidence", .array(items[i].evidence.map(JSONValue.string))),
                    ]
                    if let note = items[i].note { pairs.append(("note", .string(note))) }
                    return .object(pairs)
                }
            ),
        ])
        let written = JSONValue.object([
            ("count", .int(count)),
            (
                "items",
                .writtenObjects(count: count) { i, writer in
                    writer.string("id", items[i].id)
                    writer.objects("locations", count: items[i].locations.count) { l, location in
                        location.string("file", items[i].locations[l].0)
                        location.int("line", items[i].locations[l].1)
                        location.int("column", items[i].locations[l].2)
                    }
                    writer.strings("evidence", count: items[i].evidence.count) { items[i].evidence[$0] }
                    if let note = items[i].note { writer.string("note", note) }
                }
            ),
        ])
        #expect(written.text == values.text, "\(count) items")
    }
}

/// Lines rendered from runs (the whole list: shared suffix lists, kept or rendered anew at every block) are the lines
/// rendered from flows (a filtered list: runs of their own) and the lines written here flow by flow: names,
/// connections and open hops, and JSON commas at every seam, over several blocks of flows and addresses both ways.
@Test(arguments: ["txt", "json"])
func runsRenderTheLinesOfTheirFlows(format: String) throws {
    var yaml = ""
    for i in 0..<500 {
        yaml +=
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: n\(i % 2), labels: {app: x\(i % 10)}}\n---\n"
    }
    yaml += """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: edge, namespace: n0}
        spec:
          podSelector: {matchExpressions: [{key: app, operator: In, values: [x0, x2, x4]}]}
          policyTypes: [Ingress, Egress]
          ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16}}, {podSelector: {matchLabels: {app: x2}}}, {podSelector: {matchLabels: {app: x6}}}], ports: [{port: 8080}, {port: 443}]}]
          egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {namespaceSelector: {}}], ports: [{port: 443}, {port: 53, protocol: UDP}]}]

        """
    let result = PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "runs.yaml").cluster)
        .analyze()
    #expect(result.flowCount > 2 << 16)
    let json = format == "json"
    func render(cacheBytes: Int, asFlows: Bool) -> String {
        var lines = FlowLines(result, style: json ? .json : .txt(markOpenHops: true), cacheBytes: cacheBytes)
        var text = ""
        if asFlows {
            result.flows.forEachBlock { lines.add($0, to: &text, alongside: $1) }
        } else {
            result.flows.forEachRunBlock { lines.add(runs: $0, to: &text, alongside: $1) }
        }
        return text
    }
    var expected = ""
    var hops: Set<[String]> = []
    for (i, flow) in result.flows.enumerated() {
        let source = result.peers[flow.source].name
        let destination = result.peers[flow.destination].name
        let words = (flow.isOpen(.egress) ? ["egress"] : []) + (flow.isOpen(.ingress) ? ["ingress"] : [])
        hops.insert(words)
        if json {
            expected +=
                (i == 0 ? "\n" : ",\n")
                + "    {\"src\": \"\(source)\", \"dst\": \"\(destination)\", \"conn\": \"\(flow.connections)\", \"defaultAllow\": ["
                + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
        } else {
            expected +=
                "\(source) => \(destination) : \(flow.connections)"
                + (words.isEmpty ? "" : "  (default-allow: \(words.joined(separator: "+")))") + "\n"
        }
    }
    #expect(hops.count == 4)
    #expect(expected.contains("192.168.0.0") && expected.contains("10.0.0.0"))
    let kept = render(cacheBytes: 16 << 20, asFlows: false)
    #expect(kept == expected)
    #expect(render(cacheBytes: 0, asFlows: false) == expected)
    #expect(render(cacheBytes: 1 << 14, asFlows: false) == expected)
    #expect(render(cacheBytes: 16 << 20, asFlows: true) == expected)
}

/// A diff of more changes than one batch of lines (16,384), written as txt: a line per change, in the diff's order,
/// across the seams between batches and between the chunks of a batch.
@Test func aLongDiffIsWrittenLineByLineInOrder() throws {
    let (old, diff) = try longDiff()
    #expect(diff.changes.count > 16_384)
    var text = ""
    DiffReport.write(diff, settings: old.model.settings, format: .txt, to: &text)
    let lines = text.split(separator: "\n").dropFirst()  // the network-plugin header
    #expect(lines.count == diff.changes.count + 1)  // and the summary
    #expect(lines.last.map(String.init) == diff.summary)
    for (line, change) in zip(lines, diff.changes) {
        #expect(
            line.hasPrefix(
                "\(change.kind.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(change.source) => \(change.destination) : "
            )
        )
    }
}

/// 140 pods of one namespace that reach each other, then a policy that denies them all ingress: 19,460 flows removed.
private func longDiff() throws -> (Reachability, ReachabilityDiff) {
    func cluster(policy: Bool) throws -> Reachability {
        var yaml = ""
        for i in 0..<140 { yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: wide}\n---\n" }
        if policy {
            yaml +=
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: wide}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n"
        }
        return PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "wide.yaml").cluster)
            .analyze()
    }
    let old = try cluster(policy: false)
    return (old, ReachabilityDiff(old: old, new: try cluster(policy: true)))
}

/// `-o github` of a long diff writes the annotations GitHub shows (50 a job), then one notice counting the changes
/// left out, then the summary: not a line per change (gigabytes for a cluster added whole).
@Test func aLongDiffAnnotatesWhatGitHubShowsAndCountsTheRest() throws {
    let (old, diff) = try longDiff()
    var text = ""
    DiffReport.github(diff, settings: old.model.settings, to: &text)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == DiffReport.githubAnnotations + 2)
    #expect(
        lines.prefix(DiffReport.githubAnnotations).allSatisfy {
            $0.hasPrefix("::notice title=netreach diff%3A flow removed::")
        }
    )
    let left = diff.changes.count - DiffReport.githubAnnotations
    #expect(
        lines[DiffReport.githubAnnotations]
            == "::notice title=netreach diff%3A more changes::… and \(left) more changes not annotated (GitHub shows at most 50 annotations a job): netreach diff -o txt lists them all"
    )
    #expect(lines.last == "netreach diff: \(diff.summary) (\(old.model.settings.name))")
}
