import Dispatch

/// The one way netreach spreads work over the cores: consecutive ranges of indices, one per task, results in
/// index order whatever order the tasks finish in (so every output stays deterministic).
package enum Parallel {
    /// `0..<count` cut into at most `maxChunks` consecutive, non-empty ranges that cover it exactly, in order.
    ///
    /// The chunk size is rounded up, so the last range may be shorter; no index is ever left out.
    package static func ranges(_ count: Int, maxChunks: Int = 64) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let chunks = Swift.max(1, Swift.min(count, maxChunks))
        let size = (count + chunks - 1) / chunks
        return stride(from: 0, to: count, by: size).map { $0..<Swift.min($0 + size, count) }
    }

    /// Runs `body` on each range of `ranges(count, maxChunks:)`, on every core; returns the results in range order.
    package static func chunks<T>(_ count: Int, maxChunks: Int = 64, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        let ranges = ranges(count, maxChunks: maxChunks)
        guard ranges.count > 1 else { return ranges.map(body) }
        var results = [T?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: ranges.count) { i in out[i] = body(ranges[i]) }
        }
        return results.compactMap { $0 }
    }

    /// `body(i)` for every `i` in `0..<count`, computed on every core in chunks; the results in index order, written
    /// straight into the one array returned (no per-chunk arrays to join).
    package static func map<T>(_ count: Int, maxChunks: Int = 64, _ body: @Sendable (Int) -> T) -> [T] {
        let ranges = ranges(count, maxChunks: maxChunks)
        guard ranges.count > 1 else { return (0..<count).map(body) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            nonisolated(unsafe) let start = base
            DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
                for j in ranges[i] { (start + j).initialize(to: body(j)) }
            }
            initialized = count
        }
    }

    /// `body(i)` for every `i` in `0..<count`, one index per task, and `side` as one more task, all on every core: a
    /// core that finishes its share takes the next task, so the side task's time is shared out (a flow listing
    /// expands its next block while this one is rendered). The results in index order.
    package static func map<T>(
        _ count: Int,
        alongside side: @Sendable () -> Void,
        _ body: @Sendable (Int) -> T
    ) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: count + 1) { i in
                if i == 0 { side() } else { out[i - 1] = body(i - 1) }
            }
        }
        return results.compactMap { $0 }
    }

    /// The indices `0..<count` sorted by `less`, which must be a strict total order (break ties, by index for a
    /// stable order): runs sorted on every core, then merged in pairs.
    package static func sortedIndices(_ count: Int, by less: @Sendable (Int, Int) -> Bool) -> [Int] {
        var runs = chunks(count, maxChunks: 8) { range in Array(range).sorted(by: less) }
        while runs.count > 1 {
            let pairs = runs
            runs = map((pairs.count + 1) / 2) { p in
                p * 2 + 1 < pairs.count ? merge(pairs[p * 2], pairs[p * 2 + 1], by: less) : pairs[p * 2]
            }
        }
        return runs.first ?? []
    }

    /// Two sorted runs as one.
    private static func merge(_ a: [Int], _ b: [Int], by less: (Int, Int) -> Bool) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if less(b[j], a[i]) {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
            }
        }
        out += a[i...]
        out += b[j...]
        return out
    }
}
