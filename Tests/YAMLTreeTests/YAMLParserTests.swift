import Testing
import YAMLTree

private func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLDocument] {
    try YAMLParser.documents(in: Array(text.utf8), limits: limits)
}

private func error(_ bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLError? {
    do {
        _ = try YAMLParser.documents(in: bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func error(_ text: String, limits: YAMLLimits = .default) -> YAMLError? {
    error(Array(text.utf8), limits: limits)
}

@Test func nodesKeepOneBasedLineAndColumn() throws {
    let docs = try parse("a: 1\nb:\n  - x\n  - {c: d}\n")
    let root = try #require(docs.first?.root)
    #expect(root.mark == SourceMark(line: 1, column: 1))
    #expect(root["a"]?.scalar == "1")
    #expect(root["a"]?.mark == SourceMark(line: 1, column: 4))
    let items = try #require(root["b"]?.sequence)
    #expect(items[0].mark == SourceMark(line: 3, column: 5))
    #expect(items[1]["c"]?.scalar == "d")
    #expect(items[1]["c"]?.mark == SourceMark(line: 4, column: 9))
}

@Test func scalarStyleDistinguishesQuotedFromPlain() throws {
    let root = try #require(try parse("a: 80\nb: \"80\"\nc: |\n  text\n").first?.root)
    #expect(root["a"]?.content == .scalar("80", .plain, tag: nil))
    #expect(root["b"]?.content == .scalar("80", .quoted, tag: nil))
    #expect(root["c"]?.content == .scalar("text\n", .block, tag: nil))
}

@Test func nullForms() throws {
    let root = try #require(try parse("a:\nb: ~\nc: null\nd: 'null'\n").first?.root)
    #expect(root["a"]?.isNull == true)
    #expect(root["b"]?.isNull == true)
    #expect(root["c"]?.isNull == true)
    #expect(root["d"]?.isNull == false)
}

@Test func multiDocumentStreamsAndEmptyDocuments() throws {
    let docs = try parse("# comment only\n---\na: 1\n---\n---\n# helm leaves these\n---\nb: 2\n")
    #expect(docs.compactMap { $0.root?.mapping?.first?.key.scalar } == ["a", "b"])
    #expect(docs.count == 4)
}

@Test func jsonDocumentsParse() throws {
    let root = try #require(try parse("{\n\t\"kind\": \"Pod\",\n\t\"items\": [1, 2]\n}").first?.root)
    #expect(root["kind"]?.scalar == "Pod")
    #expect(root["items"]?.sequence?.count == 2)
}

@Test func duplicateKeyIsAnError() {
    let e = error("a: 1\nb: 2\na: 3\n")
    #expect(e?.description == "3:1: duplicate key 'a' (first defined at 1:1)")
}

@Test func duplicateKeyInJSONIsAnError() {
    #expect(error("{\"a\": 1, \"a\": 2}")?.kind == .duplicateKey("a", first: SourceMark(line: 1, column: 2)))
}

@Test func unknownAliasIsAnError() {
    let e = error("a: *nowhere\n")
    #expect(e?.description == "1:4: unknown alias '*nowhere' (no anchor '&nowhere' before it)")
}

@Test func aliasesExpandToTheAnchoredNode() throws {
    let root = try #require(try parse("base: &b {x: 1}\ncopy: *b\n").first?.root)
    #expect(root["copy"]?["x"]?.scalar == "1")
    #expect(root["copy"]?.mark == SourceMark(line: 2, column: 7))
}

@Test func mergeKeysApplyAndExplicitKeysWin() throws {
    let text = """
        defaults: &d {app: web, tier: frontend}
        extra: &e {team: shop}
        labels:
          <<: [*d, *e]
          tier: edge
        """
    let labels = try #require(try parse(text).first?.root?["labels"])
    #expect(labels["app"]?.scalar == "web")
    #expect(labels["team"]?.scalar == "shop")
    #expect(labels["tier"]?.scalar == "edge")
    #expect(labels.mapping?.count == 3)
}

@Test func mergeOfAScalarIsAnError() {
    #expect(error("a:\n  <<: 5\n")?.kind == .invalidMerge)
}

@Test func billionLaughsIsBounded() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...9 {
        let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
        text += "a\(i): &a\(i) [\(refs)]\n"
    }
    let e = error(text)
    #expect(e?.kind == .tooManyNodes(limit: YAMLLimits.default.maxNodes))
    #expect(e?.mark.line == 6)  // a5 is the first to pass one million nodes
}

@Test func smallAliasReuseIsFine() throws {
    var text = "a0: &a0 [x, x]\n"
    for i in 1...3 { text += "a\(i): &a\(i) [*a\(i - 1), *a\(i - 1)]\n" }
    #expect(try parse(text).count == 1)
}

@Test func nestingIsBounded() {
    let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let e = error(text)
    #expect(e?.kind == .tooDeep(limit: 64))
    #expect(e?.mark == SourceMark(line: 1, column: 65))
}

@Test func nestingWithinTheLimitLoads() throws {
    let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    #expect(try parse(text).count == 1)
}

@Test func inputLargerThanTheLimitIsRejectedBeforeParsing() {
    let limits = YAMLLimits(maxDepth: 64, maxNodes: 1000, maxBytes: 10)
    #expect(error("a: 12345678901\n", limits: limits)?.kind == .tooLarge(bytes: 15, limit: 10))
}

@Test func syntaxErrorsAreLocated() {
    let e = error("a: [1, 2\nb: 3\n")
    #expect(e?.mark.line == 2)
    #expect(e?.message.contains("flow sequence") == true)
}

@Test func tabIndentationIsLocatedWithAHint() {
    let e = error("a:\n\tb: 1\n")
    #expect(e?.mark == SourceMark(line: 2, column: 1))
    #expect(e?.message.contains("cannot start any token") == true)
    #expect(e?.hint == "YAML indentation must use spaces; replace the tab with spaces")
}

@Test func invalidUTF8IsLocated() {
    let bytes = Array("a: ok\nb: ".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
    let e = error(bytes)
    #expect(e?.mark == SourceMark(line: 2, column: 4))
    #expect(e?.message.contains("UTF-8") == true)
    #expect(e?.hint == "save the file as UTF-8")
}

@Test func originShiftsMarksOfASlice() throws {
    let docs = try YAMLParser.documents(in: Array("a: 1\nb: 2\n".utf8), origin: SourceMark(line: 10, column: 4))
    let root = try #require(docs.first?.root)
    #expect(root["a"]?.mark == SourceMark(line: 10, column: 7))
    #expect(root["b"]?.mark == SourceMark(line: 11, column: 4))
}

/// libyaml moves its mark past the last line when the input does not end in a newline; errors there point at the
/// end of the last line instead, which exists in the file.
@Test(arguments: [
    ("a: [x", SourceMark(line: 1, column: 6)),
    ("a: 1\nb: \"open", SourceMark(line: 2, column: 9)),
    ("a: 1\nb: [x\n", SourceMark(line: 3, column: 1)),
])
func anErrorAtTheEndOfAFileWithoutAFinalNewlineIsOnItsLastLine(text: String, expected: SourceMark) throws {
    let found = try #require(error(text))
    #expect(found.mark == expected)
}

/// Plain nodes are bounded by the input's size; only what aliases repeat counts against the node limit.
@Test func onlyAliasExpansionsCountAgainstTheNodeLimit() throws {
    let limits = YAMLLimits(maxDepth: 64, maxNodes: 10, maxBytes: 1 << 20)
    let plain = "items:\n" + (0..<500).map { "- {name: p\($0), labels: {a: b}}" }.joined(separator: "\n") + "\n"
    #expect(try parse(plain, limits: limits).count == 1)
    let e = error("a: &a [x, x, x, x, x]\nb: [*a, *a, *a]\n", limits: limits)
    #expect(e?.kind == .tooManyNodes(limit: 10))
    #expect(e?.mark.line == 2)
}

/// A collection is built in place: a mapping of 32,000 keys and a List of 12,000 items parse (this took 10 s and
/// more when each item copied the collection; the benchmark has the timing).
@Test func largeCollectionsParse() throws {
    let mapping = (0..<32_000).map { "k\($0): v" }.joined(separator: "\n") + "\n"
    let documents = try parse(mapping)
    #expect(documents.first?.root?.mapping?.count == 32_000)
    #expect(error(mapping + "k17: again\n")?.kind == .duplicateKey("k17", first: SourceMark(line: 18, column: 1)))
    // Small mappings compare keys in place and switch to a table past 16 keys: a duplicate is found either way, of
    // a key written before or after the switch.
    for (count, repeated) in [(5, 2), (16, 0), (17, 16), (20, 3), (40, 35)] {
        let text = (0..<count).map { "k\($0): v" }.joined(separator: "\n") + "\nk\(repeated): again\n"
        #expect(
            error(text)?.kind == .duplicateKey("k\(repeated)", first: SourceMark(line: repeated + 1, column: 1)),
            "\(count) keys, k\(repeated) again"
        )
        #expect(try parse((0..<count).map { "k\($0): v" }.joined(separator: "\n")).first?.root?.mapping?.count == count)
    }
}

/// The items of a root-level `items` sequence go to the item handler as they are read, in order, with their
/// document's index, and leave the tree: a List longer than the tree limit parses, a mapping as long does not.
@Test func listItemsAreHandedOverAsTheyAreReadAndNotHeld() throws {
    let limits = YAMLLimits(maxDepth: 64, maxNodes: 1000, maxBytes: 1 << 20, maxTreeNodes: 50)
    let items = (0..<200).map { "- {kind: Pod, metadata: {name: p\($0)}}" }.joined(separator: "\n")
    let text = "apiVersion: v1\nitems:\n\(items)\nkind: List\n---\nkind: Other\nitems: [a, b]\nnested: {items: [c]}\n"
    var seen: [(name: String, document: Int, index: Int, line: Int)] = []
    let documents = try YAMLParser.documents(in: Array(text.utf8), limits: limits) { item, document, index in
        seen.append((item["metadata"]?["name"]?.scalar ?? item.scalar ?? "", document, index, item.mark.line))
    }
    #expect(seen.count == 202)
    #expect(seen.prefix(200).map(\.name) == (0..<200).map { "p\($0)" })
    #expect(seen.prefix(200).allSatisfy { $0.document == 0 && $0.line == $0.index + 3 })
    #expect(seen.suffix(2).map(\.name) == ["a", "b"] && seen.suffix(2).map(\.document) == [1, 1])
    #expect(documents.map(\.streamedItems) == [200, 2])
    #expect(documents[0].root?["items"]?.sequence?.isEmpty == true)
    #expect(documents[0].root?["kind"]?.scalar == "List")
    // Only the root's own `items` is streamed: a nested one stays in the tree.
    #expect(documents[1].root?["nested"]?["items"]?.sequence?.count == 1)
    // Without a handler, the same List is one tree, past the limit; so is a mapping of as many nodes.
    #expect(error(text, limits: limits)?.kind == .documentTooLarge(limit: 50))
    let wide = (0..<60).map { "k\($0): v" }.joined(separator: "\n")
    let e = error(wide, limits: limits)
    #expect(e?.kind == .documentTooLarge(limit: 50))
    #expect(e?.mark.line == 25)
    // One item larger than the limit is stopped too.
    let big = "items:\n- {" + (0..<60).map { "k\($0): v" }.joined(separator: ", ") + "}\n"
    #expect(throws: YAMLError.self) { try YAMLParser.documents(in: Array(big.utf8), limits: limits) { _, _, _ in } }
}

/// The benchmark's floor: libyaml's events only, counted (stream, document, mapping, two scalars, and their ends).
@Test func theFloorCountsLibyamlEventsAndReportsSyntaxErrors() throws {
    #expect(try YAMLParser.countEvents(in: Array("a: 1\n".utf8)) == 8)
    #expect(try YAMLParser.countEvents(in: Array("a: [1, 2]\n---\nb\n".utf8)) == 14)
    #expect(try YAMLParser.countEvents(in: []) == 2)
    do {
        _ = try YAMLParser.countEvents(in: Array("a: [1,\nb: }\n".utf8))
        Issue.record("a syntax error must be reported")
    } catch {
        #expect(error.mark.line == 2)
    }
}

/// The children of open collections wait in the builder's shared arrays: each lands in its own collection however
/// they nest, and a key is a duplicate only within its own mapping (an inner mapping past 16 keys included).
@Test func nestedCollectionsKeepTheirOwnChildren() throws {
    let root = try #require(
        try parse("a: {a: 1, b: [x, {a: 2, c: [y, z]}, w]}\nb: [1, [2, 3], 4]\nc: {}\n").first?.root
    )
    #expect(root.mapping?.map { $0.key.scalar } == ["a", "b", "c"])
    #expect(root["a"]?.mapping?.map { $0.key.scalar } == ["a", "b"])
    #expect(root["a"]?["b"]?.sequence?.map(\.shape) == ["scalar", "mapping", "scalar"])
    #expect(root["a"]?["b"]?.sequence?[1]["c"]?.sequence?.compactMap(\.scalar) == ["y", "z"])
    #expect(root["b"]?.sequence?[1].sequence?.compactMap(\.scalar) == ["2", "3"])
    #expect(root["c"]?.mapping?.isEmpty == true)
    #expect(error("a: {a: 1}\nb: 2\na: 3\n")?.kind == .duplicateKey("a", first: SourceMark(line: 1, column: 1)))
    let inner = (0..<20).map { "k\($0): v" }.joined(separator: ", ")
    #expect(try parse("k0: {\(inner)}\nk1: 1\n").first?.root?["k0"]?.mapping?.count == 20)
    #expect(error("k0: {\(inner)}\nk1: 1\nk0: 2\n")?.kind == .duplicateKey("k0", first: SourceMark(line: 1, column: 1)))
    #expect(
        error("k0: {\(inner), k19: again}\n")?.kind == .duplicateKey("k19", first: SourceMark(line: 1, column: 148))
    )
}
