/// A deterministic random number generator (SplitMix64) for the randomized tests: the same seed gives the same
/// cases on every machine, so a failure names its seed.
public struct SplitMix: RandomNumberGenerator {
    /// The state; the seed at first.
    public var state: UInt64

    /// A generator started at `state`.
    public init(state: UInt64) {
        self.state = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One of `items`, each as likely.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    /// A number in `range`, each as likely.
    public mutating func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}
