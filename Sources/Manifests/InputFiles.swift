import Foundation
import KubeModel
import YAMLTree

/// One input to read: a file path, or standard input (`-`).
struct InputFile {
    var name: String
    var bytes: [UInt8]
}

/// Expands the paths a user gives into files to read.
enum InputFiles {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Files named directly are read whatever their extension; directories are searched recursively for
    /// `.yaml`, `.yml` and `.json` files, in sorted order.
    static func expand(_ paths: [String]) throws(ManifestError) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ManifestError(
                    "no such file or directory '\(path)'",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    hint: "pass manifest files, directories of them, or '-' for standard input"
                )
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let walker = manager.enumerator(atPath: path) {
                for case let relative as String in walker {
                    let ext = (relative as NSString).pathExtension.lowercased()
                    guard extensions.contains(ext) else { continue }
                    let full = base + "/" + relative
                    var isDir: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                        found.append(full)
                    }
                }
            }
            guard !found.isEmpty else {
                throw ManifestError(
                    "no manifests (.yaml, .yml or .json files) in directory '\(path)'",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    hint: "point netreach at the directory that holds your Kubernetes manifests"
                )
            }
            files.append(contentsOf: found.sorted())
        }
        return files
    }

    /// Reads a file (or standard input) without reading more than `limit` bytes.
    static func read(_ name: String, limit: Int, standardInput: () -> [UInt8]) throws(ManifestError) -> [UInt8] {
        let start = SourceLocation(file: name, line: 1, column: 1)
        let bytes: [UInt8]
        if name == "-" {
            bytes = standardInput()
        } else {
            let size = (try? FileManager.default.attributesOfItem(atPath: name)[.size] as? Int) ?? 0
            if size > limit { throw tooLarge(size, limit: limit, at: start) }
            guard let handle = FileHandle(forReadingAtPath: name) else {
                throw ManifestError("cannot read '\(name)'", at: start, hint: "check the file's permissions")
            }
            defer { try? handle.close() }
            do {
                bytes = [UInt8](try handle.read(upToCount: limit + 1) ?? Data())
            } catch {
                throw ManifestError("cannot read '\(name)': \(error.localizedDescription)", at: start)
            }
        }
        if bytes.count > limit { throw tooLarge(bytes.count, limit: limit, at: start) }
        return bytes
    }

    private static func tooLarge(_ size: Int, limit: Int, at location: SourceLocation) -> ManifestError {
        ManifestError(
            "file is \(size) bytes, more than the limit of \(limit) bytes (\(limit >> 20) MiB)",
            at: location,
            hint: "split the manifests into several files"
        )
    }
}

/// A piece of a file that holds one YAML document, found the way kubectl finds them: every line that starts
/// with `---` begins a new document.
struct DocumentChunk {
    var bytes: ArraySlice<UInt8>
    var origin: SourceMark
    /// True when `---` was glued to the text after it (`---apiVersion: v1`), which kubectl accepts.
    var gluedSeparator: Bool
}

extension DocumentChunk {
    static func split(_ bytes: [UInt8]) -> [DocumentChunk] {
        var chunks: [DocumentChunk] = []
        var start = 0
        var origin = SourceMark(line: 1, column: 1)
        var glued = false
        var lineStart = 0
        var line = 1
        let dash = UInt8(ascii: "-")
        while lineStart < bytes.count {
            if lineStart + 2 < bytes.count, bytes[lineStart] == dash, bytes[lineStart + 1] == dash,
                bytes[lineStart + 2] == dash
            {
                let next = lineStart + 3 < bytes.count ? bytes[lineStart + 3] : UInt8(ascii: "\n")
                let isMarker =
                    next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\n")
                    || next == UInt8(ascii: "\r") || next == UInt8(ascii: "#")
                let isGlued = !isMarker && next != dash
                if isMarker || isGlued {
                    if lineStart > start {
                        chunks.append(
                            DocumentChunk(bytes: bytes[start..<lineStart], origin: origin, gluedSeparator: glued)
                        )
                    }
                    start = isGlued ? lineStart + 3 : lineStart
                    origin = SourceMark(line: line, column: isGlued ? 4 : 1)
                    glued = isGlued
                }
            }
            guard let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            lineStart = newline + 1
            line += 1
        }
        if start < bytes.count || chunks.isEmpty {
            chunks.append(DocumentChunk(bytes: bytes[start...], origin: origin, gluedSeparator: glued))
        }
        return chunks
    }
}
