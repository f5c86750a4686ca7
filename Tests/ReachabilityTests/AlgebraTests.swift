import Reachability
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
