package import KubeModel

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
    package func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
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

    /// What endpoints of `namespaces[i]` may open to endpoints of `namespaces[j]`.
    package func connections(_ i: Int, _ j: Int) -> ConnectionSet {
        i == j ? sets[Int(diagonal[i])] : sets[Int(cells[Int(kindOf[i]) * kinds + Int(kindOf[j])])]
    }
}
