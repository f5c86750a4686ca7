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

/// The structure-aware mutator turns a manifest into other manifests that still parse (so they reach the decoders
/// and the engine), differently for different seeds.
@Test func structureMutatorKeepsManifestsParsable() throws {
    let pod = Array("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\n".utf8)
    var outputs: Set<[UInt8]> = []
    for seed in 0..<50 as Range<UInt32> {
        var mutator = StructureMutator(seed: seed)
        let result = mutator.mutate(pod)
        let mutated = try #require(result)
        #expect(FuzzPipeline.run(mutated).isEmpty)
        outputs.insert(mutated)
    }
    #expect(outputs.count > 25)
    var mutator = StructureMutator(seed: 1)
    let notYAML = mutator.mutate(Array("a: [".utf8))
    #expect(notYAML == nil)
}
