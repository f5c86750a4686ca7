/// A problem netreach reports, or a fact that explains one: the one type every module throws and returns for
/// unusable input, failed queries and diagrams, and warnings (swift-format's `Finding` has the same shape).
///
/// Rendered as compilers print them: `file:line:column: severity: message`, the hint on its own line, then the
/// notes. Message and hint quote values from the input, so they are escaped for display when rendered.
package struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// How bad it is.
    package enum Severity: String, Hashable, Sendable {
        /// The input or the request cannot be used; netreach exits with status 2.
        case error
        /// The analysis goes on; something was skipped or assumed.
        case warning
        /// A fact that explains another diagnostic.
        case note
    }

    /// How bad it is.
    package var severity: Severity
    /// Where the problem is; nil for problems with no position in a file (a command-line value, a path as a whole).
    package var location: SourceLocation?
    /// What is wrong, lowercase, no final period.
    package var message: String
    /// How to fix it, or nil.
    package var hint: String?
    /// Facts that explain it, each located where it can be (printed after it).
    package var notes: [Diagnostic]
    /// What was reported before this error stopped the run (with --keep-going, why nothing was left), printed
    /// before it.
    package var earlier: [Diagnostic] = []
    /// The kind of problem, in a few words shared by every diagnostic of that kind (`objects defined again`):
    /// repeated warnings of one group can be printed as one line. Nil: never grouped.
    package var group: String?

    /// Creates a diagnostic; an error unless `severity` says otherwise.
    package init(
        _ message: String,
        at location: SourceLocation? = nil,
        hint: String? = nil,
        severity: Severity = .error,
        notes: [Diagnostic] = []
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
        self.notes = notes
    }

    /// A warning: the analysis goes on. `group` names its kind, for printing many of them as one line.
    package static func warning(_ message: String, at location: SourceLocation? = nil, group: String? = nil)
        -> Diagnostic
    {
        var warning = Diagnostic(message, at: location, severity: .warning)
        warning.group = group
        return warning
    }

    /// A note that explains another diagnostic.
    package static func note(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(message, at: location, severity: .note)
    }

    /// `file:line:column: severity: message`, then `  hint: …`, then the notes, one per line.
    package var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): \(message.escapedForDisplay)"
        if let hint { text += "\n  hint: \(hint.escapedForDisplay)" }
        for note in notes { text += "\n" + note.description }
        return text
    }
}
