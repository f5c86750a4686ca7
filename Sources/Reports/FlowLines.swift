import KubeModel
import Parallel
import Reachability

/// Renders flow lines as bytes, fast. A line is a prefix (its source) and a suffix (its destination, connections
/// and open hops): each source's prefix is encoded once per run, and the suffixes of a list of targets that runs
/// share (`FlowRun.key`) once per list, so a line costs two copies. Lines are assembled in blocks on every core, and
/// the blocks are written in order, so the output is the same as a one-line-at-a-time writer's. Feed it blocks of
/// runs or flows in order (`add`), then nothing more.
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
    /// The rendered suffixes of shared target lists, by run key, and their size in bytes.
    private var suffixes: [Int: ByteTable] = [:]
    private var cachedBytes = 0
    /// Bytes of rendered suffix lists kept for the runs of later blocks; past it, the lists are rendered anew.
    private let cacheBytes: Int
    /// Whether a line was written (JSON puts `,` after every line but the last).
    private(set) var wroteLine = false

    /// `onlyConnection`: every line's connections are that one (the flows were filtered to those that have it).
    /// `cacheBytes`: how many bytes of rendered suffix lists to keep (16 MiB; a 10,000-pod cluster used 3 MiB).
    init(_ result: Reachability, style: Style, onlyConnection: ConnectionSet? = nil, cacheBytes: Int = 16 << 20) {
        self.cacheBytes = cacheBytes
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

    /// Writes the lines of `flows`, which follow those of earlier calls; `side` as in `add(runs:to:alongside:)`.
    mutating func add(
        _ flows: [Flow],
        to out: inout some UTF8Output,
        alongside side: @Sendable () -> Void
    ) {
        var runs: [FlowRun] = []
        var start = 0
        while start < flows.count {
            var end = start + 1
            while end < flows.count, flows[end].source == flows[start].source { end += 1 }
            runs.append(FlowRun(flows: flows[start..<end]))
            start = end
        }
        add(runs: runs, to: &out, alongside: side)
    }

    /// Writes the lines of `runs`, which follow those of earlier calls. `side` (the expansion of the next block)
    /// runs beside the rendering, as one more task on every core: rendering on two lanes after expanding on one left
    /// a core idle a third of the time (`list -o json`, 10,000 pods).
    mutating func add(
        runs: [FlowRun],
        to out: inout some UTF8Output,
        alongside side: @Sendable () -> Void
    ) {
        guard !runs.isEmpty else {
            side()
            return
        }
        cacheSuffixes(of: runs)
        // Tasks of whole runs, about `blockSize` flows each.
        var taskRanges: [Range<Int>] = []
        var low = 0
        var flows = 0
        for (i, run) in runs.enumerated() {
            flows += run.count
            if flows >= Self.blockSize || i == runs.count - 1 {
                taskRanges.append(low..<(i + 1))
                low = i + 1
                flows = 0
            }
        }
        let tasks = taskRanges
        let this = self
        let rendered = Parallel.map(tasks.count, alongside: side) { t in
            this.render(runs[tasks[t]], leadingSeparator: this.wroteLine || t > 0)
        }
        for bytes in rendered { out.write(utf8: bytes) }
        wroteLine = true
    }

    /// Renders the suffix lists of the keyed runs of `runs` that are not cached yet, on every core.
    private mutating func cacheSuffixes(of runs: [FlowRun]) {
        var missing: [Int: [FlowTarget]] = [:]
        for run in runs {
            if let key = run.key, suffixes[key] == nil { missing[key] = run.targets }
        }
        guard !missing.isEmpty else { return }
        let lists = missing.sorted { $0.key < $1.key }
        let this = self
        let tables = Parallel.map(lists.count) { this.suffixTable(lists[$0].value) }
        let size = tables.reduce(0) { $0 + $1.bytes.count }
        if cachedBytes + size > cacheBytes {
            // Keep only what this block needs.
            let needed = Set(runs.compactMap(\.key))
            suffixes = suffixes.filter { needed.contains($0.key) }
            cachedBytes = suffixes.values.reduce(0) { $0 + $1.bytes.count }
        }
        for (i, list) in lists.enumerated() { suffixes[list.key] = tables[i] }
        cachedBytes += size
    }

    /// The suffix of each target of a list: `dst : conn hops\n` (txt) or `, "dst": …, "conn": …, "defaultAllow": …}`
    /// (JSON). Sizes are summed first, then every piece is copied once into a table of exactly that size.
    private func suffixTable(_ targets: [FlowTarget]) -> ByteTable {
        let pieces = json ? Self.jsonSuffix : Self.txtSuffix
        var offsets = [Int](repeating: 0, count: targets.count + 1)
        for (i, target) in targets.enumerated() {
            offsets[i + 1] =
                offsets[i] + pieces.fixed + names.count(target.peer.index)
                + connections.count(Int(target.connectionsIndex)) + hops.count(Int(target.openBits))
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: offsets[targets.count]) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            names.withView { names in
                connections.withView { connections in
                    hops.withView { hops in
                        pieces.table.withView { pieces in
                            var at = base
                            for target in targets {
                                if json {
                                    pieces.copy(0, to: &at)
                                    names.copy(target.peer.index, to: &at)
                                    pieces.copy(1, to: &at)
                                    connections.copy(Int(target.connectionsIndex), to: &at)
                                    pieces.copy(2, to: &at)
                                    hops.copy(Int(target.openBits), to: &at)
                                    pieces.copy(3, to: &at)
                                } else {
                                    names.copy(target.peer.index, to: &at)
                                    pieces.copy(0, to: &at)
                                    connections.copy(Int(target.connectionsIndex), to: &at)
                                    hops.copy(Int(target.openBits), to: &at)
                                    pieces.copy(1, to: &at)
                                }
                            }
                            initialized = at - base
                        }
                    }
                }
            }
            precondition(initialized == buffer.count, "flow lines: \(initialized) suffix bytes, not \(buffer.count)")
        }
        return ByteTable(bytes: bytes, offsets: offsets)
    }

    /// The prefix of a source's lines: `,\n    {"src": …` (JSON; the first line of all has no `,`) or `src => `.
    private func prefix(_ source: PeerID) -> [UInt8] {
        let pieces = json ? Self.jsonPrefix : Self.txtPrefix
        let name = names.string(source.index)
        return json ? pieces.table.bytes + name : name + pieces.table.bytes
    }

    /// The lines of `runs`: their length is summed first, then every prefix and suffix is copied once into one
    /// buffer of exactly that size (bytes, not a String: making one would check all of them again).
    private func render(_ runs: ArraySlice<FlowRun>, leadingSeparator: Bool) -> [UInt8] {
        // Runs of their own (flows filtered by the caller, address sources) have their suffixes rendered here.
        let tables = runs.map { run in run.key.flatMap { suffixes[$0] } ?? suffixTable(run.targets) }
        let prefixes = runs.map { prefix($0.source) }
        var total = 0
        for (i, run) in runs.enumerated() {
            let table = tables[i]
            total += prefixes[i].count * run.count + table.bytes.count - (run.skip.map(table.count) ?? 0)
        }
        if json && !leadingSeparator { total -= 1 }  // the first line starts with "\n", not ",\n"
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            var at = base
            var separate = leadingSeparator
            for (i, run) in runs.enumerated() {
                prefixes[i].withUnsafeBufferPointer { prefix in
                    guard let prefixBase = prefix.baseAddress else { return }
                    tables[i].withView { suffixes in
                        for t in 0..<run.targets.count where t != run.skip {
                            if !json || separate {
                                at.update(from: prefixBase, count: prefix.count)
                                at += prefix.count
                            } else {
                                at.update(from: prefixBase + 1, count: prefix.count - 1)
                                at += prefix.count - 1
                                separate = true
                            }
                            suffixes.copy(t, to: &at)
                        }
                    }
                }
            }
            initialized = at - base
            precondition(initialized == total, "flow lines: \(initialized) bytes written into \(total)")
        }
    }

    /// The fixed pieces of a prefix or suffix, and their length per line (counted from the table, so the size
    /// `render` allocates always matches what it copies).
    private struct Pieces {
        let table: ByteTable
        let fixed: Int

        init(_ pieces: [String]) {
            let table = ByteTable(pieces.map { Array($0.utf8) })
            self.table = table
            fixed = table.bytes.count
        }
    }

    /// `src => ` and `dst : conn` + hops + newline.
    private static let txtPrefix = Pieces([" => "])
    private static let txtSuffix = Pieces([" : ", "\n"])
    /// Each line opens with ",\n" (the first with "\n", one byte less), then the four keys and "}".
    private static let jsonPrefix = Pieces([",\n    {\"src\": "])
    private static let jsonSuffix = Pieces([", \"dst\": ", ", \"conn\": ", ", \"defaultAllow\": ", "}"])
}

/// A text output that also takes UTF-8 bytes as they are: the flow writers render millions of lines as bytes, and
/// a String made of them would check every byte again.
package protocol UTF8Output: TextOutputStream {
    /// Writes `bytes`, which are valid UTF-8.
    mutating func write(utf8 bytes: [UInt8])
}

extension UTF8Output {
    /// Writes `bytes` as a String.
    package mutating func write(utf8 bytes: [UInt8]) { write(String(decoding: bytes, as: UTF8.self)) }
}

extension String: UTF8Output {}

/// Byte strings kept one after another: string `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
struct ByteTable: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]

    init(_ strings: [[UInt8]]) {
        bytes = strings.flatMap { $0 }
        offsets = strings.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
    }

    init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// String `i`.
    func string(_ i: Int) -> ArraySlice<UInt8> { bytes[offsets[i]..<offsets[i + 1]] }

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
