/// Where an object or field was written: file and 1-based line and column.
package struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file as the user named it (`-` for standard input).
    package var file: String
    /// 1-based line.
    package var line: Int
    /// 1-based column.
    package var column: Int

    /// Creates a location.
    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the compilers' format, with the file name escaped for display (a file name in a
    /// pull request can hold any byte but `/` and NUL).
    package var description: String { "\(file.escapedForDisplay):\(line):\(column)" }

    /// Orders by file, line, column.
    package static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
