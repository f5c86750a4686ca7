extension String {
    /// The text made safe to print on a terminal, in a CI log or in a report: every character that could move
    /// the cursor, start an escape sequence, break a line, or reorder text (C0 and C1 controls, DEL, Unicode
    /// format and separator characters such as the bidirectional overrides) is written as an escape
    /// (`\x1b`, `\u{202e}`), a backslash as `\\` when the text needs escaping at all, and a leading `::`
    /// (which GitHub Actions reads as a workflow command at the start of a line) as `\x3a:`.
    ///
    /// Every value that comes from the input passes through it before it is written, however it was checked on
    /// the way in. Text that needs no escaping, the usual case, is returned as it is.
    ///
    /// - Complexity: O(n); one pass over the UTF-8 bytes when nothing needs escaping.
    package var escapedForDisplay: String {
        let leadingCommand = hasPrefix("::")
        if !leadingCommand, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        if !leadingCommand, !unicodeScalars.contains(where: \.needsDisplayEscape) { return self }
        var out = ""
        for (index, scalar) in unicodeScalars.enumerated() {
            if index == 0, leadingCommand {
                out += "\\x3a"
            } else if scalar == "\\" {
                out += "\\\\"
            } else if scalar.needsDisplayEscape {
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{\(hex)}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// True for characters that must not reach a terminal or a report as they are: controls, format characters
    /// (bidirectional overrides, zero-width marks), line and paragraph separators, and unassigned code points.
    package var needsDisplayEscape: Bool {
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value < 0x7F { return false }
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
            return true
        default:
            return false
        }
    }
}
