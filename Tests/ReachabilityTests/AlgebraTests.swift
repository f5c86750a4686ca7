import Reachability
import TestSupport
import Testing

@Test func intervalSetNormalizesMergingAdjacentRanges() {
    let set = PortSet([5...6, 1...2, 3...4, 10...12, 11...20])
    #expect(set.ranges == [1...6, 10...20])
    #expect(PortSet([1...2, 4...5]).ranges == [1...2, 4...5])
}

@Test func intervalSetAlgebra() {
    let a = PortSet([1...10, 20...30])
    let b = PortSet([5...25])
    #expect(a.union(b).ranges == [1...30])
    #expect(a.intersection(b).ranges == [5...10, 20...25])
    #expect(a.subtracting(b).ranges == [1...4, 26...30])
    #expect(b.subtracting(a).ranges == [11...19])
    #expect(PortSet(1...65535).subtracting(PortSet([80...80, 443...443])).ranges == [1...79, 81...442, 444...65535])
    #expect(PortSet(5...6).isSubset(of: a))
    #expect(!b.isSubset(of: a))
    #expect(a.contains(21...29))
    #expect(!a.contains(9...21))
}

@Test func intervalSetHandlesTheTopOfTheDomain() {
    let top = IntervalSet<UInt128>([UInt128.max - 1...UInt128.max, 0...0])
    #expect(top.ranges == [0...0, UInt128.max - 1...UInt128.max])
    #expect(
        top.subtracting(IntervalSet(UInt128.max...UInt128.max)).ranges == [0...0, UInt128.max - 1...UInt128.max - 1]
    )
    #expect(IntervalSet<UInt128>([0...5, 6...UInt128.max]).ranges == [0...UInt128.max])
}

@Test func connectionSetTextFollowsTheDesignOrder() {
    let set = ConnectionSet(.sctp, PortSet(9...9)).union(ConnectionSet(.udp, PortSet(53...53))).union(
        ConnectionSet(.tcp, PortSet([80...80, 8000...8080]))
    )
    #expect(set.description == "TCP 80,8000-8080; UDP 53; SCTP 9")
    #expect(ConnectionSet.all.description == "All Connections")
    #expect(ConnectionSet.none.description == "No Connections")
    #expect(ConnectionSet.all.subtracting(ConnectionSet(.tcp, .allPorts)).description == "UDP 1-65535; SCTP 1-65535")
    #expect(set.intersection(.all) == set)
    #expect(set.isSubset(of: .all))
}

/// Union, intersection, difference and inclusion of random sets agree with the same operations on sets of their
/// elements, on a small domain whose top value is the type's maximum (so ranges that end there are merged right).
@Test func intervalSetOperationsAgreeWithSetsOfElements() {
    var random = SplitMix(state: 29)
    func randomSet() -> (IntervalSet<UInt8>, Set<UInt8>) {
        var ranges: [ClosedRange<UInt8>] = []
        var elements = Set<UInt8>()
        for _ in 0..<random.count(0...5) {
            let low = UInt8(random.count(200...255))
            let high = UInt8(random.count(Int(low)...255))
            ranges.append(low...high)
            elements.formUnion(low...high)
        }
        return (IntervalSet(ranges), elements)
    }
    func elements(_ set: IntervalSet<UInt8>) -> Set<UInt8> {
        set.ranges.reduce(into: Set<UInt8>()) { $0.formUnion($1) }
    }
    func isNormal(_ set: IntervalSet<UInt8>) -> Bool {
        zip(set.ranges, set.ranges.dropFirst()).allSatisfy {
            $0.upperBound < UInt8.max && $0.upperBound + 1 < $1.lowerBound
        }
    }
    for _ in 0..<2000 {
        let (a, x) = randomSet()
        let (b, y) = randomSet()
        let union = a.union(b)
        #expect(elements(union) == x.union(y) && isNormal(union), "\(a.ranges) ∪ \(b.ranges)")
        #expect(union == IntervalSet(a.ranges + b.ranges))
        #expect(elements(a.intersection(b)) == x.intersection(y))
        #expect(elements(a.subtracting(b)) == x.subtracting(y))
        #expect(a.isSubset(of: b) == x.isSubset(of: y), "\(a.ranges) ⊆ \(b.ranges)")
        let ca = ConnectionSet(.tcp, PortSet(a.ranges.map { Int($0.lowerBound)...Int($0.upperBound) }))
        let cb = ConnectionSet(.tcp, PortSet(b.ranges.map { Int($0.lowerBound)...Int($0.upperBound) }))
            .union(ConnectionSet(.udp, PortSet(53...53)))
        #expect(ca.union(cb).isSubset(of: cb) == x.isSubset(of: y))
        #expect(ca.union(ca) == ca && cb.isSubset(of: cb.union(ca)))
    }
}

/// `allowsAll`, read set by set, is `== .all`, however the sets were put together.
@Test func allowsAllIsEqualityWithAll() {
    let tcp = ConnectionSet(.tcp, .allPorts)
    let udp = ConnectionSet(.udp, .allPorts)
    let sctp = ConnectionSet(.sctp, PortSet([1...100, 101...65535]))
    let cases = [
        ConnectionSet.all, .none, tcp, tcp.union(udp), tcp.union(udp).union(sctp),
        tcp.union(udp).union(ConnectionSet(.sctp, PortSet(2...65535))), ConnectionSet.all.subtracting(tcp).union(tcp),
    ]
    for set in cases { #expect(set.allowsAll == (set == .all), "\(set)") }
    #expect(tcp.union(udp).union(sctp).allowsAll)
    #expect(ConnectionSet.all.intersection(tcp) == tcp && tcp.intersection(.all) == tcp)
}
