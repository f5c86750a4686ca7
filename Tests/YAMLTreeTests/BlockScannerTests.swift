import TestSupport
import Testing

@testable import YAMLTree

/// What a scan of `text` gave with or without the block scanner: the events, then whether it read the document.
private func scan(_ text: String, fastPath: Bool, origin: SourceMark = SourceMark(line: 1, column: 1)) -> [String] {
    YAMLScanRecorder.events(Array(text.utf8)[...], origin: origin, fastPath: fastPath)
}

/// Whether the block scanner reads `text` itself (rather than handing it to libyaml).
private func blockScannerReads(_ text: String) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer {
        var scanner = BlockScanner(bytes: $0)
        return scanner.run()
    }
}

/// The block scanner and libyaml agree on `text`: both read it to the same events, or both refuse it.
private func expectSameAsLibYAML(_ text: String, origin: SourceMark = SourceMark(line: 1, column: 1)) {
    let fast = scan(text, fastPath: true, origin: origin)
    let slow = scan(text, fastPath: false, origin: origin)
    #expect(fast.last == slow.last, "\(fast.last ?? "") vs libyaml \(slow.last ?? "") for:\n\(text)")
    #expect(fast == slow, "events differ for:\n\(text)")
}

@Test func blockScannerReadsAPodAsLibYAMLDoes() {
    let pod = """
        ---
        # a pod, as kubectl prints it
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-0   # trailing comment
          labels:
            app.kubernetes.io/name: "web"
            tier: 'front end'
            empty:
          annotations: {}
        spec:
          containers:
          - name: main
            image: registry.example/web:1.0
            args: []
            ports:
              - containerPort: 8080
                protocol: TCP
              -
              - 9090
        status:
          podIP: 10.0.0.1
          phase:
        """
    #expect(blockScannerReads(pod))
    expectSameAsLibYAML(pod)
    expectSameAsLibYAML(pod, origin: SourceMark(line: 40, column: 4))
    // A List item as `ListCut` hands it over: the `-` made a space, the mapping at column 3.
    let item = "  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec: {}\n"
    #expect(blockScannerReads(item))
    expectSameAsLibYAML(item, origin: SourceMark(line: 7, column: 1))
}

/// Each of these is outside the subset: the block scanner refuses it (libyaml reads it, or reports it).
@Test(arguments: [
    "a: |\n  text\n", "a: >-\n  text\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 'it''s'\n", "a: \"b\\\"c\"\n",
    "a: {b: 1}\n", "a: [1, 2]\n", "? a\n: b\n", "a:\n  b\n", "a: b\n  c\n", "a: b: c\n", "a: \"b\"c\n",
    "a:\tb\n", "a: b\r\n", "a: é\n", "a: \u{7F}\n", "---\na: 1\n---\nb: 2\n", "a: 1\n...\n", "%YAML 1.1\n---\na: 1\n",
    "--- a: 1\n", "- a\n- b\n", "plain\n", "", "# only a comment\n", "a: 1\n b: 2\n", "a:\n    b: 1\n  c: 2\n",
    "a: b\n- c\n", "a:\n- b\nc\n", "a: - b\n", "a: @x\n", "a: `x\n", "a: %x\n", "a: ?x\n", "a: :x\n", "a: -\n",
    "- - a\n", "a: 'b\n  c'\n", "\u{FEFF}a: 1\n", "a: {}x\n", "a: '' #c\nb: 'x'#c\n", "---x: 1\n",
    String(repeating: "k", count: 1_001) + ": v\n", "'k'" + String(repeating: " ", count: 1_030) + ": v\n",
])
func blockScannerRefuses(_ text: String) {
    #expect(!blockScannerReads(text), "read:\n\(text)")
    expectSameAsLibYAML(text)
}

/// Each of these is inside the subset, and read as libyaml reads it.
@Test(arguments: [
    "a: 1\n", "a: 1", "a:", "a:\n", "a:   \n", "a: # c\n", "a: b # c\n", "a: b#c\n", "a: http://x:80/y\n",
    "a: b:c\n", "a  : b  \n", "a: ''\n", "a: \"\"\n", "'a': 1\n", "\"a b\": 'c d'\n", "a: -1\n", "-a: --b\n",
    "a: x, [y], {z}\n", "a:\n- 1\n- 2\nb: 3\n", "a:\n  - 1\n  -\n  - c: d\n    e:\n  - [] \n",
    "a:\n  b:\n    c: 1\nd: 2\n",
    "- a\n", "a:\n-\n", "a:\n  -\n    b: 1\n", "  a: 1\n  b:\n  - 2\n", "a: 1\n\n\n# c\n  # c\nb: 2\n",
    "--- # comment\na: 1\n", "a: <<\n", "a: b\n# c\n", "a:\n  # c\n  b: 1\n", "a: ~\nb: null\nc: true\n",
    "a:\n- b: 1\n  c: 2\n- d\n", "a:\n  -   b: 1\n      c: 2\n",
])
func blockScannerReadsTheSubset(_ text: String) {
    // `- a` as a root is a sequence: refused, and so are all of the cases above once broken below.
    #expect(blockScannerReads(text) == !text.hasPrefix("- "), "\(text)")
    expectSameAsLibYAML(text)
}

/// Random documents in and around the subset (and broken in random ways): the block scanner and libyaml read each
/// to the same events, or both refuse it; and the block scanner reads a good share of them itself.
@Test func blockScannerAgreesWithLibYAMLOnRandomDocuments() {
    var random = SplitMix(state: 18)
    let scalars = [
        "a", "web", "a b", "http://x:80/p", "b:c", "a#b", "-1", "--x", "1.0", "~", "a,b", "x]", "''", "'q r'",
        "'it''s'", "\"d\"", "\"a\\\"b\"", "\"a # b\"", "'a: b'", "{}", "[]", "{a: 1}", "[1]", "|", "&a x", "*a", "!t x",
        "? x", ": x", "%x", "@x", "a: b", "a #c", "-", "- x", "<<", "é", "",
    ]
    let keys = ["a", "b", "name", "app.kubernetes.io/name", "'q'", "\"d d\"", "k k", "-k", "<<", "?k", "a:b", "a#b"]
    func mapping(_ indent: Int, _ depth: Int, into lines: inout [String]) {
        for _ in 0..<random.count(1...4) {
            let pad = String(repeating: " ", count: indent)
            let key = random.pick(keys)
            switch random.count(0...5) {
            case 0 where depth < 3:
                lines.append(pad + key + ":")
                mapping(indent + random.count(1...3), depth + 1, into: &lines)
            case 1 where depth < 3:
                lines.append(pad + key + ":")
                sequence(indent + random.count(0...2), depth + 1, into: &lines)
            case 2:
                lines.append(pad + key + ":" + (random.chance(0.5) ? "" : " # note"))
            default:
                lines.append(pad + key + ": " + random.pick(scalars) + (random.chance(0.2) ? " # c" : ""))
            }
        }
    }
    func sequence(_ indent: Int, _ depth: Int, into lines: inout [String]) {
        for _ in 0..<random.count(1...3) {
            let pad = String(repeating: " ", count: indent)
            switch random.count(0...3) {
            case 0 where depth < 3:
                // `- key: value` and the rest of the mapping at the key's column.
                var inner: [String] = []
                mapping(indent + 2, depth + 1, into: &inner)
                lines.append(pad + "- " + inner[0].dropFirst(indent + 2))
                lines += inner.dropFirst()
            case 1:
                lines.append(pad + "-")
            default:
                lines.append(pad + "- " + random.pick(scalars))
            }
        }
    }
    let breakers = ["\t", "\r", " ", "  ", ": x", " #", "é", "---", "...", "'", "\"", "\\", "|", "{", "- "]
    var readByBlockScanner = 0
    let count = 20_000
    for _ in 0..<count {
        var lines: [String] = random.chance(0.2) ? ["---"] : []
        mapping(random.chance(0.2) ? 2 : 0, 0, into: &lines)
        if random.chance(0.2) { lines.insert("# comment", at: random.count(0...lines.count)) }
        if random.chance(0.1) { lines.insert("", at: random.count(0...lines.count)) }
        if random.chance(0.3) {
            // One break: a character or indicator inserted, or a line moved by a column, repeated, or dropped.
            let i = random.count(0...(lines.count - 1))
            switch random.count(0...3) {
            case 0:
                var line = Array(lines[i])
                line.insert(contentsOf: random.pick(breakers), at: random.count(0...line.count))
                lines[i] = String(line)
            case 1: lines[i] = random.chance(0.5) ? " " + lines[i] : String(lines[i].dropFirst())
            case 2: lines.insert(lines[i], at: i)
            default: if lines.count > 1 { lines.remove(at: i) }
            }
        }
        let text = lines.joined(separator: "\n") + (random.chance(0.8) ? "\n" : "")
        if blockScannerReads(text) { readByBlockScanner += 1 }
        expectSameAsLibYAML(text)
    }
    // Most of the unbroken documents are in the subset, and a break takes many out.
    #expect(readByBlockScanner > count / 8)
    #expect(readByBlockScanner < count * 9 / 10)
}
