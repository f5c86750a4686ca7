package import KubeModel

/// Input that netreach cannot use, with where it is and how to fix it.
package struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is; nil for problems with a path as a whole that has no position.
    package var location: SourceLocation
    /// What is wrong, lowercase, no final period.
    package var message: String
    /// How to fix it, or nil.
    package var hint: String?
    /// What was skipped or assumed before the load stopped (with --keep-going, the reasons nothing was left).
    package var warnings: [ManifestWarning] = []

    /// Creates an error.
    package init(_ message: String, at location: SourceLocation, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    /// `file:line:column: error: message`, then the hint on its own line.
    package var description: String {
        DiagnosticText.render("error", message, at: location, hint: hint)
    }
}

/// Something netreach skipped or assumed while loading; the analysis goes on.
package struct ManifestWarning: Hashable, Sendable, CustomStringConvertible {
    /// Where, when the warning is about one place.
    package var location: SourceLocation?
    /// What happened, lowercase, no final period.
    package var message: String

    /// Creates a warning.
    package init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    /// `file:line:column: warning: message`, or `warning: message` without a location.
    package var description: String {
        DiagnosticText.render("warning", message, at: location)
    }
}

extension ManifestError {
    static func invalidCIDR(_ text: String, field: String, at location: SourceLocation) -> ManifestError {
        ManifestError(
            "invalid CIDR '\(text)' in \(field)",
            at: location,
            hint: "write an address and a prefix length, such as 10.0.0.0/8 (prefix 0-32 for IPv4, 0-128 for IPv6)"
        )
    }

    static func exceptOutside(_ except: String, cidr: String, field: String, at location: SourceLocation)
        -> ManifestError
    {
        ManifestError(
            "except '\(except)' in \(field) is not inside cidr '\(cidr)'",
            at: location,
            hint: "every except block must lie within the ipBlock's cidr"
        )
    }

    static func unprintableName(_ text: String, field: String, why: String, at location: SourceLocation)
        -> ManifestError
    {
        ManifestError(
            "\(field) '\(text)' cannot be used: \(why)",
            at: location,
            hint: "names and labels may hold letters, digits, '-', '_' and '.' only; fix the manifest, or pass "
                + "--keep-going to skip this object"
        )
    }

    static func portOutOfRange(_ value: Int, field: String, at location: SourceLocation) -> ManifestError {
        ManifestError("\(field) \(value) is out of range", at: location, hint: "ports are numbers from 1 to 65535")
    }

    static func unknownProtocol(_ value: String, field: String, at location: SourceLocation) -> ManifestError {
        ManifestError(
            "unsupported protocol '\(value)' in \(field)",
            at: location,
            hint: "NetworkPolicy supports TCP, UDP and SCTP (ICMP cannot be selected by port)"
        )
    }

    static func unknownOperator(_ value: String, field: String, at location: SourceLocation) -> ManifestError {
        ManifestError(
            "unknown selector operator '\(value)' in \(field)",
            at: location,
            hint: "use In, NotIn, Exists or DoesNotExist"
        )
    }

    static func wrongShape(field: String, expected: String, found: String, at location: SourceLocation) -> ManifestError
    {
        ManifestError("\(field) must be \(expected), found \(found)", at: location)
    }
}
