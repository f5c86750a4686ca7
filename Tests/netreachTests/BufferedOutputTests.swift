import Foundation
import Testing

@testable import netreach

/// Everything written through a `BufferedOutput` to a file, in the order written: small pieces gathered, large ones
/// (Strings and byte arrays of 64 KiB and more) handed to the writer's thread, in random order and sizes.
@Test func bufferedOutputWritesEveryPieceInOrder() throws {
    let path = NSTemporaryDirectory() + "netreach-buffered-\(getpid()).txt"
    defer { unlink(path) }
    var expected: [UInt8] = []
    var state: UInt64 = 42
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    #expect(descriptor >= 0)
    var out = BufferedOutput(descriptor: descriptor)
    for piece in 0..<400 {
        // Mostly small pieces, some just under and over 64 KiB, a few of several hundred KiB.
        let sizes = [next(100), next(5_000), 65_535, 65_536, 65_537, next(400_000)]
        let size = sizes[next(sizes.count)]
        let byte = UInt8(ascii: "a") + UInt8(piece % 26)
        if next(2) == 0 {
            out.write(String(repeating: Character(Unicode.Scalar(byte)), count: size))
        } else {
            out.write(utf8: [UInt8](repeating: byte, count: size))
        }
        expected += [UInt8](repeating: byte, count: size)
    }
    out.flush()
    #expect(!out.failed)
    close(descriptor)
    let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    // Compared as a Bool and a position: a failed `==` of two 40 MB arrays would have the test library diff them.
    let count = written.count
    let firstDifference = (0..<min(count, expected.count)).first { written[$0] != expected[$0] }
    #expect(count == expected.count)
    #expect(firstDifference == nil, "the pieces were written out of order from byte \(firstDifference ?? 0)")
}
