import KubeModel
import YAMLTree

extension Diagnostic {
    /// A YAML syntax or limit error, located in `file`.
    static func yaml(_ error: YAMLError, file: String) -> Diagnostic {
        Diagnostic(
            error.message,
            at: SourceLocation(file: file, line: error.mark.line, column: error.mark.column),
            hint: error.hint
        )
    }

    static func invalidCIDR(_ text: String, field: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            "invalid CIDR '\(text)' in \(field)",
            at: location,
            hint: "write an address and a prefix length, such as 10.0.0.0/8 (prefix 0-32 for IPv4, 0-128 for IPv6)"
        )
    }

    static func exceptOutside(_ except: String, cidr: String, field: String, at location: SourceLocation)
        -> Diagnostic
    {
        Diagnostic(
            "except '\(except)' in \(field) is not inside cidr '\(cidr)'",
            at: location,
            hint: "every except block must lie within the ipBlock's cidr"
        )
    }

    static func unprintableName(_ text: String, field: String, why: String, at location: SourceLocation)
        -> Diagnostic
    {
        Diagnostic(
            "\(field) '\(text)' cannot be used: \(why)",
            at: location,
            hint: "names and labels may hold letters, digits, '-', '_' and '.' only; fix the manifest, or pass "
                + "--keep-going to skip this object"
        )
    }

    static func portOutOfRange(_ value: Int, field: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic("\(field) \(value) is out of range", at: location, hint: "ports are numbers from 1 to 65535")
    }

    static func unknownProtocol(_ value: String, field: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            "unsupported protocol '\(value)' in \(field)",
            at: location,
            hint: "NetworkPolicy supports TCP, UDP and SCTP (ICMP cannot be selected by port)"
        )
    }

    static func unknownOperator(_ value: String, field: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            "unknown selector operator '\(value)' in \(field)",
            at: location,
            hint: "use In, NotIn, Exists or DoesNotExist"
        )
    }

    static func wrongShape(field: String, expected: String, found: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic("\(field) must be \(expected), found \(found)", at: location)
    }
}
