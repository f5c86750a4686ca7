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

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, testOneInput))
