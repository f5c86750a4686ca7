import Foundation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The built `netreach` executable: beside the test bundle, as `swift test` builds it.
let executable: String = {
    var candidates: [String] = []
    if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() {
        candidates.append(bundle.appendingPathComponent("netreach").path)
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("netreach").path)
    }
    let fallback = root + "/.build/debug/netreach"
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? fallback
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process was ended by a signal (`status` is then the signal).
    var signaled = false
    /// True when it ran past its time limit and was killed.
    var timedOut = false
}

/// Runs the built netreach (or another `program`) with `arguments` in the repository root (or `directory`), feeding
/// `stdin`.
/// - `shell`: shell commands run first in the same process (`ulimit -f 1;`), or a redirection of the program's own
///   descriptors (`>&-` closes its standard output).
/// - `timeout`: seconds after which the process is killed and `timedOut` set.
func netreach(
    _ arguments: [String],
    stdin: String? = nil,
    in directory: String = root,
    shell: (before: String, redirect: String)? = nil,
    timeout: Double = 120,
    program: String = executable
) throws -> Run {
    let process = Process()
    if let shell {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(shell.before) exec \"$0\" \"$@\" \(shell.redirect)", program] + arguments
    } else {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    }
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    let started = Date()
    try process.run()
    let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    deadline.cancel()
    let timedOut = Date().timeIntervalSince(started) >= timeout
    return Run(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self),
        signaled: process.terminationReason == .uncaughtSignal,
        timedOut: timedOut
    )
}

/// Runs a shell script (`sh -c`) in `directory`, with the same capture as `netreach`.
func shell(_ script: String, in directory: String = root) throws -> Run {
    try netreach(["-c", script], in: directory, program: "/bin/sh")
}

func golden(_ name: String) throws -> String {
    try String(contentsOfFile: root + "/Fixtures/shop/" + name, encoding: .utf8)
}

/// The directory that holds every scratch directory of this test process; removed when the process exits, so a
/// test that does not clean up after itself (or fails before it does) leaves nothing behind in /tmp.
let scratchRoot: String = {
    let path = NSTemporaryDirectory() + "netreach-cli-" + UUID().uuidString
    atexit { try? FileManager.default.removeItem(atPath: scratchRoot) }
    return path
}()

/// A fresh scratch directory under `scratchRoot`.
func temporaryDirectory() throws -> String {
    let path = scratchRoot + "/" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
