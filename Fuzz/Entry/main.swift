import FuzzHarness

#if canImport(Glibc)
    import Glibc
#endif

// libFuzzer's driver, linked by -sanitize=fuzzer (SwiftPM names this file's entry point, so libFuzzer's own
// `main` cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One input through every path; a broken output promise is a crash too. Exported under libFuzzer's name as
/// well, for whichever `main` the linker keeps.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = FuzzPipeline.run(bytes)
    if let first = violations.first { fatalError("output promise broken: \(first)") }
    return 0
}

@_silgen_name("LLVMFuzzerMutate")
private func byteMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// Half the mutations are structural (`StructureMutator`, on inputs that parse), half libFuzzer's own on bytes.
@_cdecl("LLVMFuzzerCustomMutator")
func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    if seed & 1 == 0 {
        var mutator = StructureMutator(seed: seed >> 1)
        if let mutated = mutator.mutate(Array(UnsafeBufferPointer(start: data, count: size))),
            mutated.count <= maxSize
        {
            for (i, byte) in mutated.enumerated() { data[i] = byte }
            return mutated.count
        }
    }
    return byteMutate(data, size, maxSize)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, testOneInput))
