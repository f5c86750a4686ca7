import KubeModel
import Testing

@Test(arguments: [
    ("10.0.0.1", "10.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
    ("fd00::1", "fd00::1"), ("::", "::"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ("::ffff:1.2.3.4", "::ffff:102:304"), ("FE80:0:0:0:0:0:0:1", "fe80::1"),
])
func addressesParseAndPrintCanonically(text: String, printed: String) throws {
    #expect(try #require(IPAddress(text)).description == printed)
}

@Test(arguments: [
    "256.0.0.1", "1.2.3", "1.2.3.4.5", "01234.0.0.1", "1::2::3", "12345::", "", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
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
