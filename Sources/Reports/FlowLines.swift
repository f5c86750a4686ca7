import KubeModel
import Parallel
import Reachability

/// Renders flow lines as bytes, fast: every peer name and every distinct connection set is encoded once, lines are
/// assembled in blocks on every core, and the blocks are written in order, so the output is the same as a
/// one-line-at-a-time writer's. Feed it blocks of flows in order (`add`), then nothing more.
struct FlowLines {
    enum Style {
        /// `src => dst : conn`, with `  (default-allow: egress)` when asked.
        case txt(markOpenHops: Bool)
        /// `  {"src": …, "dst": …, "conn": …, "defaultAllow": […]}`, each line after a newline, lines joined by
        /// `,` (the caller writes `[` before and `\n]` after).
        case json
    }

    /// Flows per rendering task: small enough that the tasks of a block share out evenly over the cores.
    static let blockSize = 1 << 13

    private let json: Bool
    private let names: ByteTable
    private let connections: ByteTable
    private let hops: ByteTable
    /// Whether a line was written (JSON puts `,` after every line but the last).
    private(set) var wroteLine = false

    /// `onlyConnection`: every line's connections are that one (the flows were filtered to those that have it).
    init(_ result: Reachability, style: Style, onlyConnection: ConnectionSet? = nil) {
        switch style {
        case .txt: json = false
        case .json: json = true
        }
        let json = json
        names = ByteTable(result.peers.map { Array((json ? JSONValue.quoted($0.name) : $0.name).utf8) })
        connections = ByteTable(
            result.distinctConnections.map { connections -> [UInt8] in
                let text = (onlyConnection ?? connections).description
                return Array((json ? JSONValue.quoted(text) : text).utf8)
            }
        )
        hops = ByteTable(
            (0..<4).map { bits -> [UInt8] in
                let words = (bits & 1 != 0 ? ["egress"] : []) + (bits & 2 != 0 ? ["ingress"] : [])
                switch style {
                case .json: return Array(("[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]").utf8)
                case .txt(let mark):
                    return mark && !words.isEmpty
                        ? Array("  (default-allow: \(words.joined(separator: "+")))".utf8) : []
                }
            }
        )
    }

    /// Writes the lines of `flows`, which follow those of earlier calls. `side` (the expansion of the next block of
    /// flows) runs beside the rendering, as one more task on every core: rendering on two lanes after expanding on
    /// one left a core idle a third of the time (`list -o json`, 10,000 pods).
    mutating func add(
        _ flows: [Flow],
        to out: inout some TextOutputStream,
        alongside side: @Sendable () -> Void
    ) {
        guard !flows.isEmpty else {
            side()
            return
        }
        let blockCount = (flows.count + Self.blockSize - 1) / Self.blockSize
        let this = self
        let rendered = Parallel.map(blockCount, alongside: side) { i in
            let low = i * Self.blockSize
            let high = Swift.min(low + Self.blockSize, flows.count)
            return this.render(flows[low..<high], leadingSeparator: this.wroteLine || low > 0)
        }
        for text in rendered { out.write(text) }
        wroteLine = true
    }

    /// The lines of `flows`: their length is summed first, then every piece is copied once into one string of
    /// exactly that size (appending piece by piece retained each name's array and grew the block; rendering bytes
    /// and then making a string of them copied every block twice more).
    private func render(_ flows: ArraySlice<Flow>, leadingSeparator: Bool) -> String {
        let pieces = json ? Self.jsonPieces : Self.txtPieces
        var total = 0
        // Read in place: a copy of each flow retained and released its connection set's arrays.
        flows.withUnsafeBufferPointer { flows in
            for i in flows.indices {
                total +=
                    pieces.fixed + names.count(flows[i].source.index) + names.count(flows[i].destination.index)
                    + connections.count(flows[i].connectionsIndex) + hops.count(Int(flows[i].openBits))
            }
        }
        if json && !leadingSeparator && !flows.isEmpty {  // the first line starts with "\n", not ",\n"
            total -= pieces.table.count(0) - pieces.table.count(1)
        }
        return String(unsafeUninitializedCapacity: total) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var written = 0
            names.withView { names in
                connections.withView { connections in
                    hops.withView { hops in
                        pieces.table.withView { pieces in
                            var at = base
                            var separate = leadingSeparator
                            flows.withUnsafeBufferPointer { flows in
                                for i in flows.indices {
                                    let source = flows[i].source.index
                                    let destination = flows[i].destination.index
                                    let connection = flows[i].connectionsIndex
                                    let open = Int(flows[i].openBits)
                                    if json {
                                        pieces.copy(separate ? 0 : 1, to: &at)
                                        separate = true
                                        pieces.copy(2, to: &at)
                                        names.copy(source, to: &at)
                                        pieces.copy(3, to: &at)
                                        names.copy(destination, to: &at)
                                        pieces.copy(4, to: &at)
                                        connections.copy(connection, to: &at)
                                        pieces.copy(5, to: &at)
                                        hops.copy(open, to: &at)
                                        pieces.copy(6, to: &at)
                                    } else {
                                        names.copy(source, to: &at)
                                        pieces.copy(0, to: &at)
                                        names.copy(destination, to: &at)
                                        pieces.copy(1, to: &at)
                                        connections.copy(connection, to: &at)
                                        hops.copy(open, to: &at)
                                        pieces.copy(2, to: &at)
                                    }
                                }
                            }
                            written = at - base
                            precondition(written == total, "flow lines: \(written) bytes written into \(total)")
                        }
                    }
                }
            }
            return written
        }
    }

    /// The fixed pieces of a line, in the order `render` writes them, and their length per line (counted from the
    /// table, so the size `render` allocates always matches what it copies).
    private struct Pieces {
        let table: ByteTable
        let fixed: Int

        init(_ pieces: [String], perLine: [Int]) {
            let table = ByteTable(pieces.map { Array($0.utf8) })
            self.table = table
            fixed = perLine.reduce(0) { $0 + table.count($1) }
        }
    }

    /// `src => dst : conn` and the hops, then a newline.
    private static let txtPieces = Pieces([" => ", " : ", "\n"], perLine: [0, 1, 2])
    /// Each line opens with ",\n" (the first with "\n", one byte less), then the four keys and "}".
    private static let jsonPieces = Pieces(
        [",\n", "\n", "    {\"src\": ", ", \"dst\": ", ", \"conn\": ", ", \"defaultAllow\": ", "}"],
        perLine: [0, 2, 3, 4, 5, 6]
    )
}

/// Byte strings kept one after another: string `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
struct ByteTable: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]

    init(_ strings: [[UInt8]]) {
        bytes = strings.flatMap { $0 }
        offsets = strings.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
    }

    /// The length of string `i`.
    func count(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// The table as raw buffers, for copying strings without touching an array per string.
    struct View {
        let bytes: UnsafeBufferPointer<UInt8>
        let offsets: UnsafeBufferPointer<Int>

        /// Copies string `i` to `at` and moves `at` past it.
        func copy(_ i: Int, to at: inout UnsafeMutablePointer<UInt8>) {
            let start = offsets[i]
            let count = offsets[i + 1] - start
            guard let base = bytes.baseAddress else { return }
            at.update(from: base + start, count: count)
            at += count
        }
    }

    func withView<Result>(_ body: (View) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { bytes in
            offsets.withUnsafeBufferPointer { offsets in body(View(bytes: bytes, offsets: offsets)) }
        }
    }
}
