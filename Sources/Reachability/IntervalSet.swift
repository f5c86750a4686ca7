/// A set of integers stored as sorted, disjoint, non-adjacent closed ranges.
///
/// The algebra behind ports (`PortSet`) and addresses (`IPSet`). Every operation is O(ranges).
package struct IntervalSet<Bound: FixedWidthInteger & Sendable>: Hashable, Sendable {
    /// The ranges, ascending, disjoint and never adjacent.
    package private(set) var ranges: [ClosedRange<Bound>]

    /// The same set in an array of its own (a copy of the storage, not a reference to it).
    init(copying other: IntervalSet) {
        ranges = other.ranges.map { $0 }
    }

    /// The empty set.
    package init() {
        ranges = []
    }

    /// The set holding one range.
    package init(_ range: ClosedRange<Bound>) {
        ranges = [range]
    }

    /// The union of any ranges.
    package init(_ ranges: some Sequence<ClosedRange<Bound>>) {
        self.ranges = Self.normalized(Array(ranges))
    }

    private init(normalized: [ClosedRange<Bound>]) {
        ranges = normalized
    }

    private static func normalized(_ input: [ClosedRange<Bound>]) -> [ClosedRange<Bound>] {
        let sorted = input.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<Bound>] = []
        out.reserveCapacity(sorted.count)
        for range in sorted {
            if let last = out.last, last.upperBound == Bound.max || range.lowerBound <= last.upperBound + 1 {
                if range.upperBound > last.upperBound {
                    out[out.count - 1] = last.lowerBound...range.upperBound
                }
            } else {
                out.append(range)
            }
        }
        return out
    }

    /// True when the set holds nothing.
    package var isEmpty: Bool { ranges.isEmpty }

    /// Elements in `self` or `other`.
    ///
    /// One merge of the two sorted lists (sorting their concatenation was most of the class-level answer's unions).
    package func union(_ other: IntervalSet) -> IntervalSet {
        if other.ranges.isEmpty || other.ranges == ranges { return self }
        if ranges.isEmpty { return other }
        var out: [ClosedRange<Bound>] = []
        out.reserveCapacity(ranges.count + other.ranges.count)
        var i = 0
        var j = 0
        while i < ranges.count || j < other.ranges.count {
            let next: ClosedRange<Bound>
            if j == other.ranges.count || (i < ranges.count && ranges[i].lowerBound <= other.ranges[j].lowerBound) {
                next = ranges[i]
                i += 1
            } else {
                next = other.ranges[j]
                j += 1
            }
            if let last = out.last, last.upperBound == Bound.max || next.lowerBound <= last.upperBound + 1 {
                if next.upperBound > last.upperBound { out[out.count - 1] = last.lowerBound...next.upperBound }
            } else {
                out.append(next)
            }
        }
        return IntervalSet(normalized: out)
    }

    /// Adds `other`'s elements.
    package mutating func formUnion(_ other: IntervalSet) {
        self = union(other)
    }

    /// Elements in both.
    package func intersection(_ other: IntervalSet) -> IntervalSet {
        var out: [ClosedRange<Bound>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let lo = Swift.max(a.lowerBound, b.lowerBound)
            let hi = Swift.min(a.upperBound, b.upperBound)
            if lo <= hi { out.append(lo...hi) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return IntervalSet(normalized: out)
    }

    /// Elements of `self` not in `other`.
    package func subtracting(_ other: IntervalSet) -> IntervalSet {
        var out: [ClosedRange<Bound>] = []
        var j = 0
        for range in ranges {
            var lo = range.lowerBound
            var exhausted = false
            while j < other.ranges.count, other.ranges[j].upperBound < lo { j += 1 }
            var k = j
            while k < other.ranges.count, other.ranges[k].lowerBound <= range.upperBound {
                let cut = other.ranges[k]
                if cut.lowerBound > lo { out.append(lo...(cut.lowerBound - 1)) }
                if cut.upperBound >= range.upperBound {
                    exhausted = true
                    break
                }
                lo = cut.upperBound + 1
                k += 1
            }
            if !exhausted { out.append(lo...range.upperBound) }
        }
        return IntervalSet(normalized: out)
    }

    /// Whether every element of `self` is in `other`: each range of `self` lies inside one of `other`'s (they are
    /// never adjacent), found in one pass without building the difference.
    package func isSubset(of other: IntervalSet) -> Bool {
        var j = 0
        for range in ranges {
            while j < other.ranges.count, other.ranges[j].upperBound < range.lowerBound { j += 1 }
            guard j < other.ranges.count, other.ranges[j].lowerBound <= range.lowerBound,
                other.ranges[j].upperBound >= range.upperBound
            else { return false }
        }
        return true
    }

    /// Whether `range` lies entirely inside the set.
    package func contains(_ range: ClosedRange<Bound>) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let candidate = ranges[mid]
            if candidate.upperBound < range.lowerBound {
                low = mid + 1
            } else if candidate.lowerBound > range.lowerBound {
                high = mid - 1
            } else {
                return candidate.upperBound >= range.upperBound
            }
        }
        return false
    }
}
