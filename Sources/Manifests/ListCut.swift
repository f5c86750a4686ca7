import KubeModel
import Parallel
import YAMLTree

/// A kubectl List document cut into its items by its text, so that the items are parsed on every core instead of
/// by one parser reading one document of a gigabyte. It applies only to the layout kubectl writes: `items:` alone
/// on its line at the first column, each item opening with `-` at the first column and everything else of it
/// indented, then the List's other keys (`kind: List`, `metadata: …`) at the first column. Anything else is left to
/// the parser (`cut` returns nil), and so is any List whose pieces do not read back exactly as the whole would
/// (the caller checks that).
struct ListCut {
    /// The document without its items: the text before `items:`, then `items: []`, then the text after them.
    /// Its lines after the items are not where the file has them: it is read for the List's kind, not reported on.
    let root: [UInt8]
    /// Each item's text, the `-` that opens it replaced by a space (so its columns are the file's), with the line
    /// it starts on.
    let items: [(bytes: Range<Int>, line: Int)]

    /// Cuts `bytes` (a document that starts on line `origin.line`), or returns nil when it is not a List in
    /// kubectl's layout, holds an anchor or alias that could join items, or has no items.
    static func cut(_ bytes: ArraySlice<UInt8>, origin: SourceMark) -> ListCut? {
        let newline = UInt8(ascii: "\n")
        let dash = UInt8(ascii: "-")
        let space = UInt8(ascii: " ")
        let hash = UInt8(ascii: "#")
        let carriageReturn = UInt8(ascii: "\r")
        return bytes.withUnsafeBufferPointer { buffer -> ListCut? in
            let count = buffer.count
            /// The end of the line that starts at `start` (the index of its line feed, or `count`).
            func lineEnd(_ start: Int) -> Int { buffer.firstIndex(of: newline, from: start) ?? count }
            /// The line's text without a trailing carriage return.
            func text(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
                var end = end
                if end > start, buffer[end - 1] == carriageReturn { end -= 1 }
                return UnsafeBufferPointer(rebasing: buffer[start..<end])
            }
            // The `items:` line, at the first column, with nothing after it.
            var start = 0
            var line = origin.line
            var itemsLine: (start: Int, end: Int)?
            while start < count {
                let end = lineEnd(start)
                let content = text(start, end)
                if content.elementsEqual("items:".utf8) {
                    itemsLine = (start, end)
                    break
                }
                // The root is a mapping whose keys are at the first column: a sequence there is something else.
                if content.first == dash, content.count == 1 || content[1] == space || content[1] == UInt8(ascii: "\t")
                {
                    return nil
                }
                start = end + 1
                line += 1
            }
            guard let itemsLine else { return nil }
            // The items: lines from a `-` at the first column to the next; indented, blank and comment lines belong
            // to the item before them. The first other line at the first column ends them.
            var items: [(bytes: Range<Int>, line: Int)] = []
            var itemStart = -1
            var itemLine = 0
            start = itemsLine.end + 1
            line += 1
            var trailerStart = count
            while start < count {
                let end = lineEnd(start)
                let content = text(start, end)
                if let first = content.first, first != space, first != hash {
                    if first == dash, content.count == 1 || content[1] == space {
                        if itemStart >= 0 { items.append((itemStart..<start, itemLine)) }
                        itemStart = start
                        itemLine = line
                    } else {
                        trailerStart = start
                        break
                    }
                }
                start = end + 1
                line += 1
            }
            guard itemStart >= 0 else { return nil }
            items.append((itemStart..<trailerStart, itemLine))
            // After the items, only the List's own keys: no second `items:`, no more sequence entries.
            var at = trailerStart
            while at < count {
                let end = lineEnd(at)
                let content = text(at, end)
                if content.first == dash || content.starts(with: "items:".utf8) || content.first == UInt8(ascii: "\t") {
                    return nil
                }
                at = end + 1
            }
            // Anchors and aliases could tie an item to another one (or to the List): left to the parser, which
            // counts every alias of the document against the limits. Any `&` or `*` where a node can start counts
            // (`'*'` and `a*b` do not).
            for marker in [UInt8(ascii: "&"), UInt8(ascii: "*")] {
                var from = 0
                while let at = buffer.firstIndex(of: marker, from: from) {
                    if at == 0 || Self.opensNode.contains(buffer[at - 1]) { return nil }
                    from = at + 1
                }
            }
            var root = Array(buffer[0..<itemsLine.start])
            root += Array("items: []\n".utf8)
            root += buffer[trailerStart..<count]
            return ListCut(root: root, items: items)
        }
    }

    /// The objects and warnings of a List in kubectl's layout, its items cut by their text and read on every core:
    /// what reading the whole document gives (each item read as `ObjectDecoder.decodeEarly` reads an item as the
    /// parser hands it over), or nil when a piece reads otherwise alone (an error, an item that needs the List's own
    /// kind, a warning or a doubt about the List itself), for the parser to read the whole document, as before.
    static func decode(
        _ bytes: ArraySlice<UInt8>,
        origin: SourceMark,
        file: String,
        options: LoadOptions
    ) -> DecodedObjects? {
        guard options.scanPods, bytes.count >= options.listCutBytes, let cut = cut(bytes, origin: origin) else {
            return nil
        }
        let makeDecoder = { @Sendable in
            ObjectDecoder(
                file: file,
                keepGoing: options.keepGoing,
                defaultNamespace: options.defaultNamespace,
                forcedNamespace: options.forcedNamespace
            )
        }
        let decoder = makeDecoder()
        var decoded = DecodedObjects()
        do throws(Diagnostic) {
            guard let documents = try? YAMLParser.documents(in: cut.root, limits: options.limits, origin: origin),
                documents.count == 1, let root = documents[0].root, !root.isNull
            else { return nil }
            try decoder.decode(root, into: &decoded)
            guard decoder.listKind(root) != nil, !decoded.notKubernetes, decoded.warnings.isEmpty,
                decoder.reader.sink.warnings.isEmpty
            else { return nil }
        } catch {
            return nil
        }
        // An item is two levels down in the List (the List's mapping, then `items`).
        var limits = options.limits
        limits.maxDepth -= 2
        let itemLimits = limits
        let parts = Parallel.chunks(cut.items.count) { range -> DecodedObjects? in
            let decoder = makeDecoder()
            var merged = DecodedObjects()
            for i in range {
                let item = cut.items[i]
                var text = Array(
                    bytes[(bytes.startIndex + item.bytes.lowerBound)..<(bytes.startIndex + item.bytes.upperBound)]
                )
                text[0] = UInt8(ascii: " ")  // the `-` that opens it: the item is a mapping at its own columns
                let origin = SourceMark(line: item.line, column: 1)
                if let pod = PodScanner.pod(
                    in: text[...],
                    origin: origin,
                    file: file,
                    limits: itemLimits,
                    defaultNamespace: options.defaultNamespace,
                    forcedNamespace: options.forcedNamespace
                ) {
                    merged.endpoints.append(pod)
                    continue
                }
                guard let documents = try? YAMLParser.documents(in: text, limits: itemLimits, origin: origin),
                    documents.count == 1, let node = documents[0].root,
                    case .decoded(let objects) = decoder.decodeEarly(node, index: i)
                else { return nil }
                merged.merge(objects)
                merged.warnings += objects.warnings
            }
            return merged
        }
        for part in parts {
            guard let part else { return nil }
            decoded.merge(part)
            decoded.warnings += part.warnings
        }
        return decoded
    }

    /// The bytes after which a node (and so an anchor or an alias) can start.
    private static let opensNode: Set<UInt8> = Set(" \t\n\r-[{,:?".utf8)
}
