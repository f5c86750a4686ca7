import Foundation
import KubeModel

/// Reads manifests as committed at a git revision, by shelling out to `git` (read-only commands: `rev-parse`,
/// `ls-tree`, `show`). The repository and the working tree are never modified: the files are written to a
/// temporary directory, which `remove()` deletes.
struct GitRevision {
    /// The temporary directory holding the files, laid out as in the repository.
    let directory: String
    /// The paths to read inside `directory`, one per path asked for.
    let paths: [String]

    /// Writes `paths` (files or directories, relative to the working directory) as committed at `revision`.
    /// - Throws: an exit with a message when git is missing, a path is not in a repository, or the revision or
    ///   path does not exist there.
    init(revision: String, paths: [String]) throws {
        let base = NSTemporaryDirectory() + "netreach-git-" + UUID().uuidString
        var mapped: [String] = []
        do {
            for path in paths {
                let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
                let folder =
                    exists && isDirectory.boolValue ? absolute : (absolute as NSString).deletingLastPathComponent
                let root = try Self.git(["-C", folder, "rev-parse", "--show-toplevel"], what: path)
                    .trimmingCharacters(in: .newlines)
                guard absolute == root || absolute.hasPrefix(root + "/") else {
                    throw Diagnostic("'\(path)' is not inside the repository \(root)")
                }
                let relative = absolute == root ? "." : String(absolute.dropFirst(root.count + 1))
                let listing = try Self.git(
                    ["-C", root, "ls-tree", "-r", "-z", "--name-only", revision, "--", relative],
                    what: "\(revision):\(relative)"
                )
                let files = listing.split(separator: "\0").map(String.init)
                guard !files.isEmpty else {
                    throw Diagnostic(
                        "'\(relative)' does not exist at revision '\(revision)'",
                        hint: "check the path and the revision: git ls-tree \(revision) -- \(relative)"
                    )
                }
                for file in files {
                    let target = base + "/" + file
                    try FileManager.default.createDirectory(
                        atPath: (target as NSString).deletingLastPathComponent,
                        withIntermediateDirectories: true
                    )
                    let bytes = try Self.gitBytes(["-C", root, "show", "\(revision):\(file)"], what: file)
                    guard FileManager.default.createFile(atPath: target, contents: bytes) else {
                        throw Diagnostic("cannot write a temporary copy of '\(file)' in \(base)")
                    }
                }
                mapped.append(base + "/" + relative)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: base)
            throw Console.failure((error as? Diagnostic) ?? Diagnostic("\(error)"))
        }
        directory = base
        self.paths = mapped
    }

    /// Deletes the temporary copy.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    private static func git(_ arguments: [String], what: String) throws -> String {
        String(decoding: try gitBytes(arguments, what: what), as: UTF8.self)
    }

    private static func gitBytes(_ arguments: [String], what: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw Diagnostic("cannot run git: \(error)", hint: "install git (apt-get install git)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let first = message.split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)"
            throw Diagnostic(
                "git cannot read '\(what)': \(first)".escapedForDisplay,
                hint: "check that the path is in a git repository and the revision exists (git log --oneline)"
            )
        }
        return data
    }
}
