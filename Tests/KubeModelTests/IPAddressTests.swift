import KubeModel
import TestSupport
import Testing

@Test(arguments: [
    ("10.0.0.1", "10.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
    ("fd00::1", "fd00::1"), ("::", "::"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ("::ffff:1.2.3.4", "::ffff:102:304"), ("FE80:0:0:0:0:0:0:1", "fe80::1"), ("010.000.0.01", "10.0.0.1"),
])
func addressesParseAndPrintCanonically(text: String, printed: String) throws {
    #expect(try #require(IPAddress(text)).description == printed)
}

@Test(arguments: [
    "256.0.0.1", "1.2.3", "1.2.3.4.5", "01234.0.0.1", "1::2::3", "12345::", "", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
    "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", "\u{0661}.2.3.4", "1.2.3.-4", "1.2.3.0256", "...", "1.2.3.4.",
])
func malformedAddressesAreRejected(text: String) {
    #expect(IPAddress(text) == nil)
}

@Test func cidrClearsHostBitsAsKubernetesReadsIt() throws {
    let cidr = try #require(CIDR("10.1.2.3/8"))
    #expect(cidr.description == "10.0.0.0/8")
    #expect(cidr.lower == 0x0A00_0000)
    #expect(cidr.upper == 0x0AFF_FFFF)
}

@Test func cidrEdges() throws {
    #expect(try #require(CIDR("0.0.0.0/0")).upper == 0xFFFF_FFFF)
    let host = try #require(CIDR("1.2.3.4/32"))
    #expect(host.lower == host.upper)
    #expect(try #require(CIDR("::/0")).upper == UInt128.max)
    #expect(try #require(CIDR("fd00::/8")).description == "fd00::/8")
}

@Test(arguments: [
    "10.0.0.0/33", "10.0.0.0", "10.0.0.0/", "10.0.0.0/-1", "::/129", "300.0.0.0/8", "10.0.0.0/8/8", "10.0.0.0/ 8",
])
func invalidCIDRsAreRejected(text: String) {
    #expect(CIDR(text) == nil)
}

@Test func containment() throws {
    let outer = try #require(CIDR("10.0.0.0/8"))
    #expect(outer.contains(try #require(CIDR("10.2.0.0/16"))))
    #expect(!outer.contains(try #require(CIDR("11.0.0.0/16"))))
    #expect(!outer.contains(try #require(CIDR("::/0"))))
}

/// The address reader works on bytes; it agrees with a reading by Characters (split at dots, 1-3 ASCII digits,
/// each at most 255) on random strings of digits, dots and a few other characters.
@Test func dottedAddressesAreReadAsASplitByCharactersReadsThem() {
    func reference(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.contains(":"), parts.count == 4 else { return nil }
        var octets: [UInt32] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let octet = UInt32(part), octet <= 255
            else { return nil }
            octets.append(octet)
        }
        return octets.map(String.init).joined(separator: ".")
    }
    let digits = Array("0123456789")
    let others = Array(" x\u{0661}-")
    var random = SplitMix(state: 18)
    func next(_ bound: Int) -> Int { random.count(0...(bound - 1)) }
    var valid = 0
    for _ in 0..<20_000 {
        // 3-5 parts of 0-4 characters, mostly digits (a third of the parts start with 2 or 25, near the limit).
        let parts = (0..<(3 + next(3))).map { _ -> String in
            let prefix = ["", "2", "25"][next(3)]
            return prefix
                + String(
                    (0..<next(4)).map { _ in next(25) == 0 ? others[next(others.count)] : digits[next(digits.count)] }
                )
        }
        let text = parts.joined(separator: ".")
        let expected = reference(text)
        #expect(IPAddress(text)?.description == expected, "\(text.debugDescription)")
        if expected != nil { valid += 1 }
    }
    #expect(valid > 100)
}
