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

    static let blockSize = 1 << 15

    private let json: Bool
    private let names: [[UInt8]]
    private let connections: [[UInt8]]
    private let hops: [[UInt8]]
    /// Whether a line was written (JSON puts `,` after every line but the last).
    private(set) var wroteLine = false

    /// `onlyConnection`: every line's connections are that one (the flows were filtered to those that have it).
    init(_ result: Reachability, style: Style, onlyConnection: ConnectionSet? = nil) {
        switch style {
        case .txt: json = false
        case .json: json = true
        }
        let json = json
        names = result.peers.map { Array((json ? JSONValue.quoted($0.name) : $0.name).utf8) }
        connections = result.distinctConnections.map { connections -> [UInt8] in
            let text = (onlyConnection ?? connections).description
            return Array((json ? JSONValue.quoted(text) : text).utf8)
        }
        hops = (0..<4).map { bits -> [UInt8] in
            let words = (bits & 1 != 0 ? ["egress"] : []) + (bits & 2 != 0 ? ["ingress"] : [])
            switch style {
            case .json: return Array(("[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]").utf8)
            case .txt(let mark):
                return mark && !words.isEmpty ? Array("  (default-allow: \(words.joined(separator: "+")))".utf8) : []
            }
        }
    }

    /// Writes the lines of `flows`, which follow those of earlier calls.
    mutating func add(_ flows: [Flow], to out: inout some TextOutputStream) {
        guard !flows.isEmpty else { return }
        let blockCount = (flows.count + Self.blockSize - 1) / Self.blockSize
        let lanes = 2
        var start = 0
        while start < blockCount {
            let batch = Swift.min(lanes, blockCount - start)
            let first = start
            let this = self
            let rendered = Parallel.map(batch, maxChunks: batch) { i in
                let low = (first + i) * Self.blockSize
                let high = Swift.min(low + Self.blockSize, flows.count)
                return this.render(flows[low..<high], leadingSeparator: this.wroteLine || low > 0)
            }
            for bytes in rendered { out.write(String(decoding: bytes, as: UTF8.self)) }
            start += batch
        }
        wroteLine = true
    }

    private func render(_ flows: ArraySlice<Flow>, leadingSeparator: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(flows.count * 120)
        let arrow = Array(" => ".utf8)
        let colon = Array(" : ".utf8)
        let jsonSource = Array("    {\"src\": ".utf8)
        let jsonDestination = Array(", \"dst\": ".utf8)
        let jsonConnections = Array(", \"conn\": ".utf8)
        let jsonHops = Array(", \"defaultAllow\": ".utf8)
        let jsonFirst = Array("\n".utf8)
        let jsonNext = Array(",\n".utf8)
        var separate = leadingSeparator
        for flow in flows {
            let open = (flow.isOpen(.egress) ? 1 : 0) | (flow.isOpen(.ingress) ? 2 : 0)
            if json {
                bytes += separate ? jsonNext : jsonFirst
                separate = true
                bytes += jsonSource
                bytes += names[flow.source]
                bytes += jsonDestination
                bytes += names[flow.destination]
                bytes += jsonConnections
                bytes += connections[flow.connectionsIndex]
                bytes += jsonHops
                bytes += hops[open]
                bytes.append(UInt8(ascii: "}"))
            } else {
                bytes += names[flow.source]
                bytes += arrow
                bytes += names[flow.destination]
                bytes += colon
                bytes += connections[flow.connectionsIndex]
                bytes += hops[open]
                bytes.append(UInt8(ascii: "\n"))
            }
        }
        return bytes
    }
}
