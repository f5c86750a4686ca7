package import KubeModel
import Parallel

/// How serious a finding is; the CLI's `--fail-on` compares against it.
package enum Severity: String, Hashable, Sendable, CaseIterable, Comparable {
    /// Worth knowing.
    case note
    /// Weakens isolation; fix or suppress with a reason.
    case warning
    /// Breaks a hardening rule outright.
    case error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    /// Orders note < warning < error.
    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One kind of finding: a stable id, its severity, and the help text reports and SARIF show.
package struct AuditRule: Hashable, Sendable {
    /// Stable id, used in `netreach.io/ignore` annotations and SARIF `ruleId`.
    package let id: String
    /// Default severity.
    package let severity: Severity
    /// One line on what the rule finds.
    package let title: String
    /// Why it matters and how to fix it.
    package let help: String
}

/// Something the audit found, with the objects involved and where they are written.
package struct Finding: Hashable, Sendable {
    /// The rule that fired.
    package var rule: AuditRule
    /// The object the finding is about: `namespace 'x'`, `ns/name[Kind]` or `NetworkPolicy ns/name`.
    package var subject: String
    /// What is wrong, in one sentence.
    package var message: String
    /// What to change.
    package var fix: String
    /// Where the objects involved are defined, the subject's first.
    package var locations: [SourceLocation]
    /// Concrete evidence: flows, ports, covering policies.
    package var evidence: [Evidence]
    /// The reason given in a `netreach.io/ignore` annotation, when the finding is suppressed.
    package var suppression: String?

    /// The rule's severity.
    package var severity: Severity { rule.severity }
}

/// The audit of a cluster.
package struct AuditReport: Hashable, Sendable {
    /// Active findings, most severe first, then by location.
    package var findings: [Finding]
    /// Findings suppressed by a `netreach.io/ignore` annotation, with their reasons.
    package var suppressed: [Finding]
    /// Which namespace may reach which, and on which ports.
    package var isolation: IsolationMatrix
    /// The network-plugin settings the cluster was read with.
    package var settings = EngineSettings()

    /// The number of active findings of a severity.
    package func count(_ severity: Severity) -> Int {
        // Counted in place (a filter copied every finding).
        var count = 0
        for f in findings.indices where findings[f].severity == severity { count += 1 }
        return count
    }
}

/// Namespace × namespace reachability.
package struct IsolationMatrix: Hashable, Sendable {
    /// Namespaces with endpoints, sorted.
    package var namespaces: [String]
    /// Per namespace, its kind: namespaces of one kind have the same row and column, but for their own cell.
    private var kindOf: [Int32]
    /// The number of kinds.
    private var kinds: Int
    /// Kind by kind, an index into `sets` per cell (what a namespace of one kind may open to another namespace of
    /// the other): four bytes a cell, kinds² cells, however many namespaces share a kind.
    private var cells: [Int32]
    /// Per namespace, its own cell (an index into `sets`).
    private var diagonal: [Int32]
    /// The distinct connection sets of the cells.
    private var sets: [ConnectionSet]
    /// Namespaces no flow enters from, or leaves to, another namespace.
    package var isolated: [String]

    /// A matrix of `namespaces`: cell (i, j) is `sets[diagonal[i]]` when i == j, else
    /// `sets[cells[kindOf[i] * kinds + kindOf[j]]]`.
    package init(
        namespaces: [String],
        kindOf: [Int32],
        cells: [Int32],
        diagonal: [Int32],
        sets: [ConnectionSet],
        isolated: [String]
    ) {
        let kinds = Int(Double(cells.count).squareRoot().rounded())
        precondition(
            kinds * kinds == cells.count && kindOf.count == namespaces.count && diagonal.count == namespaces.count
        )
        self.namespaces = namespaces
        self.kindOf = kindOf
        self.kinds = kinds
        self.cells = cells
        self.diagonal = diagonal
        self.sets = sets
        self.isolated = isolated
    }

    /// Past this many namespaces, the grids (`audit --isolation`, `graph --namespaces`) show `merged()`: a grid of
    /// thousands of namespaces has millions of cells and can be neither drawn nor read.
    package static let mergeAbove = 200

    /// The matrix with the namespaces merged that show the same marks (● all, ◐ some, · none) towards and from
    /// every other namespace and in their own cell, rows in the order of their first namespace, labelled
    /// `first +N`. A cell of the result is the union of the cells of its rows' and columns' namespaces. With it, the
    /// rows' namespaces (indices into `namespaces`).
    /// - Complexity: O(kinds² + namespaces) time and memory.
    package func merged() -> (matrix: IsolationMatrix, rows: [[Int]]) {
        let marks = sets.map { $0.isEmpty ? UInt8(0) : $0.allowsAll ? 2 : 1 }
        func mark(_ id: Int32) -> UInt8 { marks[Int(id)] }
        var namespacesOfKind = [Int](repeating: 0, count: kinds)
        for k in kindOf { namespacesOfKind[Int(k)] += 1 }
        // A kind's marks towards (and from) every kind: what a namespace of it shows another namespace of that kind.
        // A kind of one namespace has no other namespace of its own kind: that entry is its most common mark, so
        // that such namespaces that reach (or not) all others alike share a row. Equal vectors and own marks make
        // namespaces alike towards every namespace but each other, which the merged cell's union covers.
        // Two bits a mark, 32 marks a word (hashed a word at a time), every kind's vectors on every core: live-shaped,
        // 1,000 kinds' vectors of bytes were a fifth of the JSON audit's time on one core.
        let (cells, kinds, counts) = (cells, kinds, namespacesOfKind)
        let vector = { @Sendable (p: Int, towards: Bool) -> [UInt64] in
            var count = [0, 0, 0]
            var words = [UInt64](repeating: 0, count: (kinds + 31) / 32)
            for q in 0..<kinds {
                let m = marks[Int(towards ? cells[p * kinds + q] : cells[q * kinds + p])]
                if q != p { count[Int(m)] += 1 }
                words[q >> 5] |= UInt64(m) << UInt64((q & 31) * 2)
            }
            if counts[p] < 2 {
                let own = UInt64(count.indices.max { count[$0] < count[$1] } ?? 0)
                words[p >> 5] = words[p >> 5] & ~(3 << UInt64((p & 31) * 2)) | own << UInt64((p & 31) * 2)
            }
            return words
        }
        struct RowKey: Hashable {
            var towards: Int
            var from: Int
            var own: UInt8
        }
        var vectorIDs: [[UInt64]: Int] = [:]
        func id(_ vector: [UInt64]) -> Int {
            if let id = vectorIDs[vector] { return id }
            vectorIDs[vector] = vectorIDs.count
            return vectorIDs.count - 1
        }
        let vectors = Parallel.map(kinds) { (vector($0, true), vector($0, false)) }
        let kindKey = vectors.map { (id($0.0), id($0.1)) }
        var rowOf: [RowKey: Int] = [:]
        var rows: [[Int]] = []
        for i in namespaces.indices {
            let (towards, from) = kindKey[Int(kindOf[i])]
            let key = RowKey(towards: towards, from: from, own: mark(diagonal[i]))
            if let r = rowOf[key] {
                rows[r].append(i)
            } else {
                rowOf[key] = rows.count
                rows.append([i])
            }
        }
        // Per row, how many of its namespaces each kind holds.
        let rowKinds = rows.map { members in
            var count: [Int: Int] = [:]
            for i in members { count[Int(kindOf[i]), default: 0] += 1 }
            return count.sorted { $0.key < $1.key }
        }
        var table = UnionTable()
        let none = table.none
        let ids = sets.map { table.id($0) }
        func union(_ current: Int32, _ id: Int32) -> Int32 { table.union(current, id) }
        let n = rows.count
        var merged = [Int32](repeating: none, count: n * n)
        var own = [Int32](repeating: none, count: n)
        for a in 0..<n {
            for b in 0..<n {
                var cell = none
                for (p, inA) in rowKinds[a] {
                    for (q, _) in rowKinds[b] where a != b || p != q || inA > 1 {
                        cell = union(cell, ids[Int(cells[p * kinds + q])])
                    }
                }
                if a == b {
                    for i in rows[a] { cell = union(cell, ids[Int(diagonal[i])]) }
                    own[a] = cell
                } else {
                    merged[a * n + b] = cell
                }
            }
        }
        let labels = rows.map { $0.count == 1 ? namespaces[$0[0]] : "\(namespaces[$0[0]]) +\($0.count - 1)" }
        return (
            IsolationMatrix(
                namespaces: labels,
                kindOf: (0..<n).map(Int32.init),
                cells: merged,
                diagonal: own,
                sets: table.sets,
                isolated: isolated
            ),
            rows
        )
    }

    /// What endpoints of `namespaces[i]` may open to endpoints of `namespaces[j]`.
    package func connections(_ i: Int, _ j: Int) -> ConnectionSet {
        i == j ? sets[Int(diagonal[i])] : sets[Int(cells[Int(kindOf[i]) * kinds + Int(kindOf[j])])]
    }
}
