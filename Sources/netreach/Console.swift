import ArgumentParser
import Foundation
import KubeModel
import Manifests
import Reports

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The only place netreach writes to the terminal or to output files.
enum Console {
    /// What `keepUntilExit` holds.
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` (a loaded cluster, a model, a result) alive until the process exits, so that it is never freed
    /// object by object: the command ends with `exit`, which returns the memory at once. Freeing the 150,000-pod
    /// clusters' objects one by one took a tenth of a second, after the output was written.
    static func keepUntilExit(_ value: Any) {
        kept.append(value)
    }

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
    ///
    /// - `path` must not be one of `inputs` (compared by device and inode, so `./in.yaml`, a link or a hard link
    ///   to an input is caught): that is refused before anything is written.
    /// - A symbolic link at `path` is followed: the file it points to is replaced and the link stays.
    /// - SIGINT, SIGTERM and SIGHUP while writing remove the temporary file before netreach ends (SIGKILL cannot
    ///   be caught: then a `.NAME.PID.tmp` file may be left beside the output).
    static func emit(to path: String?, inputs: [InputFileIdentity], _ body: (inout BufferedOutput) throws -> Void)
        throws
    {
        guard let path else {
            var out = BufferedOutput(descriptor: STDOUT_FILENO)
            try body(&out)
            out.flush()
            if out.failed {
                throw failure("error: cannot write to standard output")
            }
            return
        }
        if let existing = FileIdentity(path: path), let input = inputs.first(where: { $0.identity == existing }) {
            throw failure(
                Diagnostic(
                    "the output file '\(path)' is the input '\(input.name)'; netreach never overwrites its input",
                    hint: "write the report to another path (outside the directories you analyze)"
                )
            )
        }
        let target = resolvingLinks(path)
        let directory = (target as NSString).deletingLastPathComponent
        let temporary =
            (directory.isEmpty ? "." : directory) + "/.\((target as NSString).lastPathComponent).\(getpid()).tmp"
        TemporaryFile.begin(temporary)
        defer { TemporaryFile.end() }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw cannotWrite(path, reason: String(cString: strerror(errno)), hint: true)
        }
        var out = BufferedOutput(descriptor: descriptor)
        do {
            try body(&out)
        } catch {
            out.flush()  // no write may be left for the descriptor once it is closed
            close(descriptor)
            unlink(temporary)
            throw error
        }
        out.flush()
        let closed = close(descriptor) == 0
        guard !out.failed, closed, rename(temporary, target) == 0 else {
            // The failed write's error (it was on the writer's thread), or close's or rename's; before unlink can
            // change errno.
            let reason = String(cString: strerror(out.writeError ?? errno))
            unlink(temporary)
            throw cannotWrite(path, reason: reason, hint: false)
        }
    }

    /// `PATH: error: cannot write the output file: REASON` (a path as a whole has no line), and exit status 2.
    private static func cannotWrite(_ path: String, reason: String, hint: Bool) -> ExitCode {
        failure(
            "\(path.escapedForDisplay): error: cannot write the output file: \(reason)"
                + (hint ? "\n  hint: check that the directory exists and is writable" : "")
        )
    }

    /// The file a chain of symbolic links at `path` ends at (the path itself when it is no link); at most 40 hops,
    /// as the kernel allows.
    private static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current =
                target.hasPrefix("/")
                ? target : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        return current
    }
}

/// The temporary file being written, removed by the signal handlers if netreach is interrupted.
private enum TemporaryFile {
    /// The path as a C string; read by the signal handler, which may only make async-signal-safe calls.
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    /// The dispositions the handlers replaced, restored when the write is over.
    nonisolated(unsafe) static var previous: [Int32: sighandler_t?] = [:]
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func begin(_ path: String) {
        self.path = strdup(path)
        // A parent may have started netreach with these signals blocked (a thread pool's mask is inherited):
        // unblock them, or an interrupt would wait until after the write and leave nothing to clean.
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for signal in signals {
            let old = Glibc.signal(signal) { number in
                if let path = TemporaryFile.path { unlink(path) }
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
            previous[signal] = old
            // A signal the caller ignores (SIGHUP under nohup) stays ignored: it does not end netreach.
            if unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                Glibc.signal(signal, SIG_IGN)
            }
        }
    }

    static func end() {
        for (signal, handler) in previous { Glibc.signal(signal, handler) }
        previous = [:]
        let old = path
        path = nil
        free(old)
    }
}

/// A `TextOutputStream` that writes to a file descriptor in blocks of at least 64 KiB, on a thread of its own
/// (`DescriptorWriter`): the report's next blocks are made while the last ones are written. `flush()` waits until
/// everything is written; only then does `failed` say whether a write failed.
struct BufferedOutput: UTF8Output {
    private var buffer: [UInt8] = []
    private let writer: DescriptorWriter

    init(descriptor: Int32) {
        writer = DescriptorWriter(descriptor: descriptor)
        buffer.reserveCapacity(1 << 16)
    }

    /// The `errno` of the write that failed, if one did; read after `flush()`.
    var writeError: Int32? { writer.error }

    /// Whether a write failed; read after `flush()`.
    var failed: Bool { writeError != nil }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { write(piece: $0) }
    }

    /// A large block (a batch of flow lines or findings, a drawing) is handed to the writer as it is, after what the
    /// buffer holds; a small one is gathered in the buffer.
    mutating func write(bytes: [UInt8]) {
        if bytes.count >= 1 << 16 {
            handOver()
            writer.enqueue(bytes)
        } else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { handOver() }
        }
    }

    mutating func write(utf8 bytes: [UInt8]) { write(bytes: bytes) }

    /// Gathers `piece` (valid during the call only: copied).
    private mutating func write(piece: UnsafeBufferPointer<UInt8>) {
        if piece.count >= 1 << 16 {
            handOver()
            writer.enqueue(Array(piece))
            return
        }
        buffer.append(contentsOf: piece)
        if buffer.count >= 1 << 16 { handOver() }
    }

    private mutating func handOver() {
        guard !buffer.isEmpty else { return }
        writer.enqueue(buffer)
        buffer = []
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes what the buffer holds and waits until every block is written.
    mutating func flush() {
        handOver()
        writer.drain()
    }
}

/// Writes blocks to a descriptor in order on a serial queue (a thread of its own, not one of the cores' workers),
/// at most `inFlight` blocks ahead of the writer; after a failed write the rest is dropped.
private final class DescriptorWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "netreach.output")
    private let slots = DispatchSemaphore(value: DescriptorWriter.inFlight)
    /// The `errno` of the failed write; read and written on `queue` only.
    private var failure: Int32?

    /// At most this many blocks wait (a batch of findings is eight blocks of about 128 KiB).
    private static let inFlight = 16

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    var error: Int32? { queue.sync { failure } }

    func enqueue(_ bytes: [UInt8]) {
        slots.wait()
        queue.async { [self] in
            if failure == nil { failure = writeAll(bytes) }
            slots.signal()
        }
    }

    func drain() {
        queue.sync {}
    }

    /// Writes all of `bytes`, retrying after interruptions and partial writes; the `errno` of a write that fails.
    private func writeAll(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
