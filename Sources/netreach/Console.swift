import ArgumentParser
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The only place netreach writes to the terminal or to output files.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints `problem` (what is wrong, and the hint) and gives the exit status for unusable input, 2.
    static func failure(_ problem: some CustomStringConvertible) -> ExitCode {
        error(problem.description)
        return ExitCode(2)
    }

    /// Runs `body` with a buffered stream to standard output, or to a temporary file that replaces `path`
    /// only when everything was written (so a failed run never leaves a partial file).
    static func emit(to path: String?, _ body: (inout BufferedOutput) throws -> Void) throws {
        guard let path else {
            var out = BufferedOutput(descriptor: STDOUT_FILENO)
            try body(&out)
            out.flush()
            if out.failed {
                throw failure("error: cannot write to standard output")
            }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let temporary =
            (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw failure(
                "\(path): error: cannot write the output file: \(String(cString: strerror(errno)))\n  hint: check that the directory exists and is writable"
            )
        }
        var out = BufferedOutput(descriptor: descriptor)
        do {
            try body(&out)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        out.flush()
        let closed = close(descriptor) == 0
        guard !out.failed, closed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))  // before unlink can change errno
            unlink(temporary)
            throw failure("\(path): error: cannot write the output file: \(reason)")
        }
    }
}

/// A `TextOutputStream` that writes to a file descriptor in 64 KiB blocks.
struct BufferedOutput: TextOutputStream {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var failed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count, !failed {
            let written = buffer.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                failed = true
            } else {
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
