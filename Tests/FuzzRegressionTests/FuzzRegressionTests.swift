import Foundation
import FuzzHarness
import Testing

private let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz-regressions")

private let crashers: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: regressions.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
}()

@Test func fuzzRegressionsAreKept() {
    #expect(crashers.count >= 1, "Fixtures/fuzz-regressions holds the fuzzer's crashers; it must not be empty")
}

/// Every input the fuzzer once crashed on (or broke the output promise with) runs through every path again.
@Test(arguments: crashers)
func fuzzRegressionReplays(name: String) throws {
    let bytes = try [UInt8](Data(contentsOf: regressions.appendingPathComponent(name)))
    let violations = FuzzPipeline.run(bytes)
    #expect(violations.isEmpty, "\(violations)")
}
