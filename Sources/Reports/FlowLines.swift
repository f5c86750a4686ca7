import Dispatch
import KubeModel
import Reachability

/// Renders flow lines as bytes, fast: every peer name and every distinct connection set is encoded once, lines are
/// assembled in blocks on every core, and the blocks are written in order, so the output is the same as a
/// one-line-at-a-time writer's.
enum FlowLines {
    enum Style {
        /// `src => dst : conn`, with `  (default-allow: egress)` when asked.
        case txt(markOpenHops: Bool)
        /// `  {"src": …, "dst": …, "conn": …, "defaultAllow": […]}` and `,` between lines.
        case json
    }

    static let blockSize = 1 << 15

    static func write(_ result: Reachability, flows: [Flow], style: Style, to out: inout some TextOutputStream) {
        guard !flows.isEmpty else { return }
        let json: Bool
        switch style {
        case .txt: json = false
        case .json: json = true
        }
        let names = result.peers.map { Array((json ? JSONFlowWriter.quoted($0.name) : $0.name).utf8) }
        let connections = result.distinctConnections.map { connections -> [UInt8] in
            Array((json ? JSONFlowWriter.quoted(connections.description) : connections.description).utf8)
        }
        let hops: [[UInt8]] = (0..<4).map { bits -> [UInt8] in
            let words = (bits & 1 != 0 ? ["egress"] : []) + (bits & 2 != 0 ? ["ingress"] : [])
            switch style {
            case .json: return Array(("[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]").utf8)
            case .txt(let mark):
                return mark && !words.isEmpty ? Array("  (default-allow: \(words.joined(separator: "+")))".utf8) : []
            }
        }
        let blockCount = (flows.count + blockSize - 1) / blockSize
        let lanes = 2
        var start = 0
        while start < blockCount {
            let batch = Swift.min(lanes, blockCount - start)
            var rendered = [[UInt8]](repeating: [], count: batch)
            let first = start
            rendered.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let results = buffer
                DispatchQueue.concurrentPerform(iterations: batch) { i in
                    let low = (first + i) * blockSize
                    let high = Swift.min(low + blockSize, flows.count)
                    results[i] = render(
                        flows[low..<high],
                        last: high == flows.count,
                        json: json,
                        names: names,
                        connections: connections,
                        hops: hops
                    )
                }
            }
            for bytes in rendered { out.write(String(decoding: bytes, as: UTF8.self)) }
            start += batch
        }
    }

    private static func render(
        _ flows: ArraySlice<Flow>,
        last: Bool,
        json: Bool,
        names: [[UInt8]],
        connections: [[UInt8]],
        hops: [[UInt8]]
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(flows.count * 120)
        let arrow = Array(" => ".utf8)
        let colon = Array(" : ".utf8)
        let jsonSource = Array("  {\"src\": ".utf8)
        let jsonDestination = Array(", \"dst\": ".utf8)
        let jsonConnections = Array(", \"conn\": ".utf8)
        let jsonHops = Array(", \"defaultAllow\": ".utf8)
        for index in flows.indices {
            let flow = flows[index]
            let open = Int(flow.isOpen(.egress) ? 1 : 0) | Int(flow.isOpen(.ingress) ? 2 : 0)
            if json {
                bytes += jsonSource
                bytes += names[flow.source]
                bytes += jsonDestination
                bytes += names[flow.destination]
                bytes += jsonConnections
                bytes += connections[flow.connectionsIndex]
                bytes += jsonHops
                bytes += hops[open]
                bytes.append(UInt8(ascii: "}"))
                if !(last && index == flows.endIndex - 1) { bytes.append(UInt8(ascii: ",")) }
            } else {
                bytes += names[flow.source]
                bytes += arrow
                bytes += names[flow.destination]
                bytes += colon
                bytes += connections[flow.connectionsIndex]
                bytes += hops[open]
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
