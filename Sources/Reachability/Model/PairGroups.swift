import KubeModel
import Parallel

/// Classes that every rule treats alike, so that their class pairs are computed and stored once.
///
/// A class pair's answer without admin tiers (`memoisedClassFlow`, `addressFlows`) reads, of each class: whether it
/// is isolated in each direction, the rules that govern it, its named ports, and which rules' peers match it. Two
/// classes that agree on all of these get the same answer towards (and from) every class and address, themselves and
/// each other included. Classes of different namespaces often agree: every namespace without policies whose pods no
/// peer tells apart, however many there are. So the pairs grow with groups², not classes² (10,000 such namespaces
/// were 100 million class pairs).
struct PairGroups: Sendable {
    /// Per class, its group.
    let groupOf: [GroupID]
    /// Per group, its classes, ascending: the first is the one the group's pairs are computed with. Groups are
    /// numbered in the order of their first class.
    let classes: [[ClassID]]
    /// Per group, how many endpoints its classes hold.
    let endpoints: [Int]
    /// Per group, its first class, in one flat array: the class-level answer reads it for every pair of groups, and
    /// reading it from the group's list was a cache miss each (live-shaped: 15,240 groups).
    private let representatives: [ClassID]

    /// Groups `model`'s classes; with admin tiers every class is its own group (their rules read more of a class).
    /// Classes whose match lists would hold more than `listLimit` entries in all are compared bit by bit.
    init(_ model: ClassModel, keys: FlowMemo.Keys, listLimit: Int = 1 << 24) {
        let count = model.classes.count
        guard !model.tiered, count > 1 else {
            groupOf = (0..<count).map(GroupID.init)
            classes = (0..<count).map { [ClassID($0)] }
            endpoints = model.classes.map(\.members.count)
            representatives = (0..<count).map(ClassID.init)
            return
        }
        // Which rules' peers match each class, hashed (rules in order) and then compared exactly within a hash. On
        // every core, by range of classes (64 a word of the rules' match bits).
        let ruleCount = model.rules.count
        let wordRanges = Parallel.ranges(keys.classWords, maxChunks: 8)
        let classRanges = wordRanges.map { ($0.lowerBound * 64)..<min($0.upperBound * 64, count) }
        let hashed = Parallel.map(wordRanges.count, maxChunks: wordRanges.count) { i in
            let range = classRanges[i]
            var hash = [UInt64](repeating: 0x9E37_79B9_7F4A_7C15, count: range.count)
            var matchCount = [Int32](repeating: 0, count: range.count)
            for r in 0..<ruleCount {
                // Each rule's mixed value once; per match a rotation and an exclusive or (14 million matches).
                let value = Self.mix(UInt64(r + 1))
                keys.forEachMatch(of: RuleID(r), inWords: wordRanges[i]) { c in
                    let k = c - range.lowerBound
                    hash[k] = ((hash[k] << 7) | (hash[k] >> 57)) ^ value
                    matchCount[k] += 1
                }
            }
            return (hash, matchCount)
        }
        let hash = hashed.flatMap(\.0)
        let matchCount = hashed.flatMap(\.1)
        struct Signature: Hashable {
            var ingress: Int32
            var egress: Int32
            var ports: Int32
            var matches: UInt64
        }
        func signature(_ c: Int) -> Signature {
            Signature(
                ingress: model.isolated.ingress[c] ? keys.rules.ingress[c] : -1,
                egress: model.isolated.egress[c] ? keys.rules.egress[c] : -1,
                ports: keys.ports[c],
                matches: hash[c]
            )
        }
        // The classes compared below (those whose signature an earlier class has, and that class) get the list of
        // their matching rules, ascending: two classes are compared by their lists, not by a bit of every rule
        // (live-shaped, 20,001 classes and 9,675 rules: a quarter of a second on one core), and classes with a
        // signature of their own, most of them, hold no list. Past 16 million entries (64 MB), classes are compared
        // bit by bit instead.
        var firstWith: [Signature: Int] = [:]
        var compared = [Bool](repeating: false, count: count)
        for c in 0..<count {
            let s = signature(c)
            if let first = firstWith[s] {
                compared[first] = true
                compared[c] = true
            } else {
                firstWith[s] = c
            }
        }
        var listStart = [Int](repeating: 0, count: count + 1)
        for c in 0..<count { listStart[c + 1] = listStart[c] + (compared[c] ? Int(matchCount[c]) : 0) }
        let listed = listStart[count] <= listLimit
        // Each range of classes' lists, one after another, on every core.
        let (starts, marked) = (listStart, compared)
        let listRules =
            !listed
            ? []
            : Parallel.map(wordRanges.count, maxChunks: wordRanges.count) { i in
                let range = classRanges[i]
                let base = starts[range.lowerBound]
                var next = Array(starts[range])
                var lists = [Int32](repeating: 0, count: starts[range.upperBound] - base)
                for r in 0..<ruleCount {
                    keys.forEachMatch(of: RuleID(r), inWords: wordRanges[i]) { c in
                        guard marked[c] else { return }
                        lists[next[c - range.lowerBound] - base] = Int32(r)
                        next[c - range.lowerBound] += 1
                    }
                }
                return lists
            }.flatMap { $0 }
        func sameMatches(_ a: Int, _ b: Int) -> Bool {
            guard matchCount[a] == matchCount[b] else { return false }
            guard listed else {
                return model.rules.indices.allSatisfy {
                    keys.matches(RuleID($0), ClassID(a)) == keys.matches(RuleID($0), ClassID(b))
                }
            }
            return listRules[listStart[a]..<listStart[a + 1]].elementsEqual(listRules[listStart[b]..<listStart[b + 1]])
        }
        var buckets: [Signature: [GroupID]] = [:]
        var groupOf: [GroupID] = []
        var classes: [[ClassID]] = []
        groupOf.reserveCapacity(count)
        for c in 0..<count {
            let signature = signature(c)
            let candidates = buckets[signature] ?? []
            if let g = candidates.first(where: { sameMatches(classes[$0][0].index, c) }) {
                classes[g].append(ClassID(c))
                groupOf.append(g)
            } else {
                let g = GroupID(classes.count)
                classes.append([ClassID(c)])
                groupOf.append(g)
                buckets[signature, default: []].append(g)
            }
        }
        self.groupOf = groupOf
        self.classes = classes
        endpoints = classes.map { $0.reduce(0) { $0 + model.classes[$1].members.count } }
        representatives = classes.map { $0[0] }
    }

    /// The number of groups.
    var count: Int { classes.count }

    /// The class a group's pairs are computed with.
    func representative(_ g: GroupID) -> ClassID { representatives[g] }

    /// SplitMix64's finaliser.
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
