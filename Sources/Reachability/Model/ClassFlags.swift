/// A flag per class, one bit each: which classes a rule's peers match, which classes an admin policy selects. As `[Bool]` they were a byte per class per
/// rule, 190 MB for the live-shaped cluster's 9,675 rules and 20,001 classes, each page faulted in.
struct ClassFlags: Sendable, Equatable {
    /// Flag `c` at bit `c % 64` of word `c / 64`; the bits past `count` are 0.
    private(set) var words: [UInt64]
    /// How many classes.
    let count: Int

    /// `count` flags, all `value`.
    init(count: Int, all value: Bool = false) {
        self.count = count
        words = Array(repeating: value ? ~0 : 0, count: (count + 63) / 64)
        if value, count % 64 != 0 { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }
    }

    /// The flags of `members` set, of `count`.
    init(_ members: [ClassID], count: Int) {
        self.init(count: count)
        for c in members { self[c.index] = true }
    }

    /// No flag set.
    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Every flag set here is set in `other` (of the same count).
    func isSubset(of other: ClassFlags) -> Bool { zip(words, other.words).allSatisfy { $0 & ~$1 == 0 } }

    subscript(_ c: Int) -> Bool {
        get { words[c >> 6] >> UInt64(c & 63) & 1 != 0 }
        set {
            if newValue { words[c >> 6] |= 1 << UInt64(c & 63) } else { words[c >> 6] &= ~(1 << UInt64(c & 63)) }
        }
    }
}
