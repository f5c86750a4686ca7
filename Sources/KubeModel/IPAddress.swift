/// An IPv4 or IPv6 address family.
package enum IPFamily: Int, Hashable, Sendable, Comparable {
    /// IPv4, 32-bit.
    case v4 = 4
    /// IPv6, 128-bit.
    case v6 = 6

    /// Address width in bits.
    package var bits: Int { self == .v4 ? 32 : 128 }

    /// The largest address of the family.
    package var maxAddress: UInt128 { self == .v4 ? UInt128(UInt32.max) : UInt128.max }

    /// Orders IPv4 first.
    package static func < (lhs: IPFamily, rhs: IPFamily) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An IP address as a number within its family.
package struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The family.
    package var family: IPFamily
    /// The address as an unsigned number.
    package var value: UInt128

    /// Creates an address.
    package init(family: IPFamily, value: UInt128) {
        self.family = family
        self.value = value
    }

    /// Parses dotted IPv4 (`10.0.0.1`) or IPv6 (`fd00::1`, `::ffff:1.2.3.4`); nil when malformed.
    package init?(_ text: Substring) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseV6(text) else { return nil }
            self.init(family: .v6, value: value)
        } else {
            guard let value = Self.parseV4(text) else { return nil }
            self.init(family: .v4, value: UInt128(value))
        }
    }

    /// `init(_:)` of a string (not generic: an unspecialized call from another module read each character through
    /// a protocol, for three addresses per pod of a live-cluster dump).
    package init?(_ text: String) {
        self.init(text[...])
    }

    /// Four dot-separated octets of 1-3 ASCII digits, each at most 255 (leading zeros allowed). Read byte by byte:
    /// a live-cluster dump has three addresses per pod, and splitting them into Characters was 9% of reading one.
    private static func parseV4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var octets = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                octet = 0
                digits = 0
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | octet
    }

    private static func parseV6(_ text: Substring) -> UInt128? {
        var text = text
        var tail: [UInt16] = []
        // An embedded IPv4 tail (`::ffff:1.2.3.4`).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(text[text.index(after: lastColon)...]) else { return nil }
            tail = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        var halves: [String] = []
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
            if halves[1].contains("::") { return nil }
        } else {
            halves = [String(text)]
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let v = UInt16(group, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let rest = groups(halves[1]) else { return nil }
            let missing = 8 - head.count - rest.count - tail.count
            guard missing >= 1 else { return nil }
            all = head + Array(repeating: 0, count: missing) + rest + tail
        } else {
            all = head + tail
        }
        guard all.count == 8 else { return nil }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// Dotted quad for IPv4; RFC 5952 text for IPv6 (lowercase, longest zero run as `::`).
    package var description: String {
        switch family {
        case .v4:
            let v = UInt32(truncatingIfNeeded: value)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        case .v6:
            let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (UInt128(7 - $0) * 16)) }
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else {
                    index += 1
                    continue
                }
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            }
            let hex = groups.map { String($0, radix: 16) }
            if bestStart < 0 { return hex.joined(separator: ":") }
            let head = hex[..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    /// Orders IPv4 before IPv6, then by value.
    package static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.family, lhs.value) < (rhs.family, rhs.value)
    }
}

/// A CIDR block such as `10.0.0.0/8` or `fd00::/8`.
package struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The family.
    package var family: IPFamily
    /// The first address of the block.
    package var lower: UInt128
    /// The last address of the block.
    package var upper: UInt128
    /// The prefix length.
    package var prefixLength: Int

    /// Parses `address/prefix`; host bits may be set (`10.0.0.1/8` means `10.0.0.0/8`, as Kubernetes reads it).
    /// Returns nil when the address or prefix is malformed or the prefix is longer than the family allows.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].count <= 3,
            let prefix = Int(parts[1]), prefix <= address.family.bits
        else { return nil }
        family = address.family
        prefixLength = prefix
        let hostBits = address.family.bits - prefix
        let hostMask: UInt128 =
            hostBits == 0 ? 0 : (hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1)
        lower = address.value & ~hostMask & family.maxAddress
        upper = lower | hostMask
    }

    /// `address/prefix` with host bits cleared.
    package var description: String { "\(IPAddress(family: family, value: lower))/\(prefixLength)" }

    /// Whether `other` lies entirely inside this block.
    package func contains(_ other: CIDR) -> Bool {
        family == other.family && lower <= other.lower && other.upper <= upper
    }
}
