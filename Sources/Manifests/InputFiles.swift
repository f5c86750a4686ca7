import KubeModel
import YAMLTree

#if canImport(Glibc)
    import Glibc
#endif

/// A file to read, as the system names it (bytes, which need not be UTF-8) and as messages show it.
struct InputPath: Hashable {
    /// The path's bytes without the final NUL; nil for standard input.
    var raw: [UInt8]?
    /// The path for messages: the bytes as UTF-8, with every byte that is not valid UTF-8 written `\xNN`.
    var name: String
    /// The namespace a kustomization's `namespace:` gives every namespaced object of the file, if any.
    var namespace: String? = nil

    static let standardInput = InputPath(raw: nil, name: "-")

    init(raw: [UInt8]?, name: String) {
        self.raw = raw
        self.name = name
    }

    init(_ path: String) {
        self = path == "-" ? .standardInput : InputPath(raw: Array(path.utf8), name: path)
    }

    /// The path below this directory path called `entry`.
    func appending(_ entry: [UInt8]) -> InputPath {
        var bytes = raw ?? []
        if bytes.last != UInt8(ascii: "/") { bytes.append(UInt8(ascii: "/")) }
        bytes += entry
        var path = InputPath(raw: bytes, name: Self.display(bytes))
        path.namespace = namespace
        return path
    }

    /// Runs `body` with the path as a C string.
    func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        (raw ?? []).withUnsafeBufferPointer { bytes in
            var cString = [CChar](repeating: 0, count: bytes.count + 1)
            for (i, byte) in bytes.enumerated() { cString[i] = CChar(bitPattern: byte) }
            return body(cString)
        }
    }

    /// UTF-8 text with each byte of an invalid sequence written as `\xNN`.
    static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var out = ""
        var index = 0
        while index < bytes.count {
            var iterator = bytes[index...].makeIterator()
            var decoder = UTF8()
            if case .scalarValue(let scalar) = decoder.decode(&iterator) {
                out.unicodeScalars.append(scalar)
                index += UTF8.width(scalar)
            } else {
                out += "\\x" + (bytes[index] < 16 ? "0" : "") + String(bytes[index], radix: 16)
                index += 1
            }
        }
        return out
    }
}

/// The device and inode of a file: what tells whether two paths are the same file, however they are spelled.
package struct FileIdentity: Hashable, Sendable {
    /// `st_dev`.
    package var device: UInt64
    /// `st_ino`.
    package var inode: UInt64

    /// The identity of the file at `path` (following symbolic links), or nil when there is none.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// A file that was read, for the check that an output never replaces an input.
package struct InputFileIdentity: Hashable, Sendable {
    /// The file as messages name it.
    package var name: String
    /// Which file it is.
    package var identity: FileIdentity

    /// Creates one.
    package init(name: String, identity: FileIdentity) {
        self.name = name
        self.identity = identity
    }
}

/// Expands the paths a user gives into files to read, and reads them.
enum InputFiles {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// What a directory scan found: the files to read, and what it passed over and why (never silently).
    struct Expansion {
        var files: [InputPath] = []
        var skipped: [Diagnostic] = []
        /// Helm charts found (directories with a `Chart.yaml`), passed over with one warning each.
        var charts: [InputPath] = []
        /// Directories reached as the resource of a kustomization (no warning of their own).
        var kustomizeResources: Set<[UInt8]> = []
        /// Directories searched as a kustomization's resource, with the namespace they were given: each pair once
        /// (a kustomization that lists itself, or two that list each other, ends there).
        var kustomizeVisited: Set<KustomizeVisit> = []

        struct KustomizeVisit: Hashable {
            var directory: FileIdentity
            var namespace: String?
        }
        /// Where each regular file taken so far is in `files`, so that a file reached twice (through a link, or
        /// named twice) is read once.
        private var taken: [TakenKey: (index: Int, viaLink: Bool)] = [:]

        /// A file is read once per namespace a kustomization gives it (two overlays may place one base twice).
        private struct TakenKey: Hashable {
            var identity: FileIdentity
            var namespace: String?
        }

        /// Takes a regular file; a second path to the same file is passed over with a warning (`quietly`: without,
        /// for a kustomize base that several overlays list), and the path that is no symbolic link is the one kept.
        mutating func take(_ path: InputPath, _ info: stat, viaLink: Bool, quietly: Bool = false) {
            let identity = TakenKey(identity: FileIdentity(info), namespace: path.namespace)
            guard let first = taken[identity] else {
                taken[identity] = (files.count, viaLink)
                files.append(path)
                return
            }
            if quietly { return }
            var dropped = path
            if first.viaLink, !viaLink {
                dropped = files[first.index]
                files[first.index] = path
                taken[identity] = (first.index, false)
            }
            let kept = files[first.index]
            skipped.append(InputFiles.skipped(dropped, "the same file as '\(kept.name)', which is read once"))
        }
    }

    /// Files named directly are read whatever they are (a pipe too); directories are searched recursively for
    /// regular `.yaml`, `.yml` and `.json` files, in byte order of their paths. Symbolic links are followed, each
    /// directory is entered once (a link loop ends there), and a FIFO, socket or device with a manifest's name,
    /// a broken link or an unreadable directory is passed over with a warning. Names need not be UTF-8.
    static func expand(_ paths: [String]) throws(Diagnostic) -> Expansion {
        var expansion = Expansion()
        for path in paths {
            let input = InputPath(path)
            if input.raw == nil {
                expansion.files.append(input)
                continue
            }
            var info = stat()
            guard input.withCString({ stat($0, &info) }) == 0 else {
                throw Diagnostic(
                    "no such file or directory '\(path)'",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    hint: "pass manifest files, directories of them, or '-' for standard input"
                )
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                // A pipe or device named on the command line is read as it is (it may be a process substitution).
                if info.st_mode & S_IFMT == S_IFREG {
                    expansion.take(input, info, viaLink: false)
                } else {
                    expansion.files.append(input)
                }
                continue
            }
            let before = expansion.files.count
            let chartsBefore = expansion.charts.count
            var visited: Set<FileIdentity> = [FileIdentity(info)]
            let roots = [input, InputPath(".")].compactMap(resolved)
            walk(input, roots: roots, visited: &visited, into: &expansion)
            guard expansion.files.count > before else {
                if expansion.charts.count > chartsBefore {
                    throw Diagnostic(
                        "no manifests in directory '\(path)': \(expansion.charts.count - chartsBefore == 1 && expansion.charts.last?.name == input.name ? "it is a Helm chart" : "it holds only Helm charts"), whose templates are manifests only once Helm renders them",
                        at: SourceLocation(file: path, line: 1, column: 1),
                        hint: "render the chart and read the result: \(helmCommand(expansion.charts[chartsBefore]))"
                    )
                }
                var error = Diagnostic(
                    "no manifests (.yaml, .yml or .json files) in directory '\(path)'",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    hint: expansion.skipped.isEmpty
                        ? "point netreach at the directory that holds your Kubernetes manifests"
                        : "every candidate was skipped (see the warnings above)"
                )
                error.earlier = expansion.skipped
                throw error
            }
        }
        return expansion
    }

    /// The path with every link resolved (`realpath`), as bytes; nil when it cannot be resolved.
    private static func resolved(_ path: InputPath) -> [UInt8]? {
        guard let pointer = path.withCString({ realpath($0, nil) }) else { return nil }
        defer { free(pointer) }
        return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
    }

    /// Whether `target` is `root` or lies below it.
    private static func isInside(_ target: [UInt8], _ root: [UInt8]) -> Bool {
        target == root || root == [UInt8(ascii: "/")]
            || (target.starts(with: root) && target.count > root.count && target[root.count] == UInt8(ascii: "/"))
    }

    /// Searches `directory`. A symbolic link is followed only to a target inside one of `roots` (the directory
    /// named on the command line and the working directory): a pull request must not make netreach read, and
    /// quote in its messages, a file elsewhere on the machine that runs it.
    private static func walk(
        _ directory: InputPath,
        roots: [[UInt8]],
        visited: inout Set<FileIdentity>,
        into expansion: inout Expansion
    ) {
        guard let handle = directory.withCString({ opendir($0) }) else {
            expansion.skipped.append(
                skipped(directory, "cannot open the directory: \(String(cString: strerror(errno)))")
            )
            return
        }
        var entries: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            entries.append(name)
        }
        closedir(handle)
        if let name = Kustomization.fileNames.first(where: { entries.contains(Array($0.utf8)) }) {
            let file = directory.appending(Array(name.utf8))
            do throws(Diagnostic) {
                // Like any link, one to a kustomization elsewhere on the machine is not followed.
                if let target = resolved(file), !roots.contains(where: { isInside(target, $0) }) {
                    throw Diagnostic("a symbolic link out of the tree netreach reads")
                }
                let bytes = try read(file, limit: YAMLLimits.default.maxBytes, standardInput: { [] }).bytes
                let kustomization = try Kustomization(bytes: bytes, file: file.name)
                read(
                    kustomization,
                    of: directory,
                    file: file,
                    namespace: directory.namespace ?? kustomization.namespace,
                    roots: roots,
                    visited: &visited,
                    into: &expansion
                )
                return
            } catch {
                expansion.skipped.append(
                    Diagnostic.warning(
                        "cannot read the kustomization '\(file.name)' (\(error.message)); its directory is read as plain manifests",
                        at: error.location
                    )
                )
            }
        }
        if entries.contains(Array("Chart.yaml".utf8)) || entries.contains(Array("Chart.yml".utf8)) {
            expansion.charts.append(directory)
            expansion.skipped.append(
                Diagnostic.warning(
                    "skipped the Helm chart '\(directory.name)': its templates are manifests only once Helm renders them; to analyze it: \(helmCommand(directory))",
                    group: "Helm charts skipped"
                )
            )
            return
        }
        for name in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let path = directory.appending(name)
            var info = stat()
            // stat follows links: a broken link or a loop of links fails here.
            guard path.withCString({ stat($0, &info) }) == 0 else {
                let reason = errno == ELOOP ? "a loop of symbolic links" : String(cString: strerror(errno))
                if hasManifestExtension(name) || isLink(path) {
                    expansion.skipped.append(skipped(path, "cannot follow it: \(reason)"))
                }
                continue
            }
            let viaLink = isLink(path)
            if viaLink, let target = resolved(path), !roots.contains(where: { isInside(target, $0) }) {
                expansion.skipped.append(
                    skipped(
                        path,
                        "a symbolic link to '\(InputPath.display(target))', outside the directory and the working directory; netreach does not follow links out of the tree it reads (name the file itself to read it)"
                    )
                )
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                // Each directory once: a link back to an ancestor would otherwise never end.
                guard visited.insert(FileIdentity(info)).inserted else {
                    // A kustomization's resource was searched already, as it should be; anything else is a loop.
                    if !expansion.kustomizeResources.contains(path.raw ?? []) {
                        expansion.skipped.append(skipped(path, "a directory already searched (a loop of links)"))
                    }
                    continue
                }
                walk(path, roots: roots, visited: &visited, into: &expansion)
            case S_IFREG:
                if hasManifestExtension(name) { expansion.take(path, info, viaLink: viaLink) }
            default:
                if hasManifestExtension(name) {
                    expansion.skipped.append(skipped(path, "not a regular file (\(kind(of: info.st_mode)))"))
                }
            }
        }
    }

    /// Reads what a kustomization lists instead of its whole directory: its resources (files, and directories read
    /// the same way), never its patches. A tree that is no other kustomization's resource gets one warning, since
    /// kustomize's patches, prefixes and generators are not applied.
    private static func read(
        _ kustomization: Kustomization,
        of directory: InputPath,
        file: InputPath,
        namespace: String?,
        roots: [[UInt8]],
        visited: inout Set<FileIdentity>,
        into expansion: inout Expansion
    ) {
        if !expansion.kustomizeResources.contains(directory.raw ?? []) {
            expansion.skipped.append(
                Diagnostic.warning(
                    "read only what '\(file.name)' lists as resources, without running kustomize (a namespace it sets is applied; patches, name prefixes and generators are not); to read what kustomize builds: kubectl kustomize \(directory.name) | netreach list -",
                    group: "kustomizations read without kustomize"
                )
            )
        }
        for remote in kustomization.remote {
            expansion.skipped.append(
                skipped(file, "lists the remote resource '\(remote)'; netreach reads local files only")
            )
        }
        for resource in kustomization.resources {
            // A path with a NUL or another control character is no file name anyone means (and a NUL would cut it).
            guard !resource.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                expansion.skipped.append(
                    skipped(file, "lists the resource '\(resource)', which holds a control character; it is not read")
                )
                continue
            }
            let bytes = Kustomization.join(directory.raw ?? [], resource)
            var path = InputPath(raw: bytes, name: InputPath.display(bytes))
            path.namespace = namespace
            var info = stat()
            guard path.withCString({ stat($0, &info) }) == 0 else {
                expansion.skipped.append(
                    skipped(path, "listed in '\(file.name)' but cannot be read: \(String(cString: strerror(errno)))")
                )
                continue
            }
            if let target = resolved(path), !roots.contains(where: { isInside(target, $0) }) {
                expansion.skipped.append(
                    skipped(
                        path,
                        "listed in '\(file.name)', but outside the directory and the working directory; run netreach from the repository's root, or name it on the command line"
                    )
                )
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                expansion.kustomizeResources.insert(bytes)
                // A directory is searched once per namespace it is given (a base under two overlays).
                let visit = Expansion.KustomizeVisit(directory: FileIdentity(info), namespace: namespace)
                guard expansion.kustomizeVisited.insert(visit).inserted else { continue }
                if namespace == nil { visited.insert(FileIdentity(info)) }
                walk(path, roots: roots, visited: &visited, into: &expansion)
            case S_IFREG:
                expansion.take(path, info, viaLink: false, quietly: true)
            default:
                expansion.skipped.append(skipped(path, "not a regular file (\(kind(of: info.st_mode)))"))
            }
        }
    }

    /// `helm template NAME DIR | netreach list -`, the release named after the chart's directory.
    static func helmCommand(_ chart: InputPath) -> String {
        let trimmed = chart.name.hasSuffix("/") ? String(chart.name.dropLast()) : chart.name
        let release = trimmed.split(separator: "/").last.map(String.init) ?? "release"
        return "helm template \(release == "." ? "release" : release) \(chart.name) | netreach list -"
    }

    private static func isLink(_ path: InputPath) -> Bool {
        var info = stat()
        return path.withCString { lstat($0, &info) } == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    private static func hasManifestExtension(_ name: [UInt8]) -> Bool {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let ext = String(decoding: name[(dot + 1)...], as: UTF8.self).lowercased()
        return extensions.contains(ext)
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a file"
        }
    }

    static func skipped(_ path: InputPath, _ reason: String) -> Diagnostic {
        Diagnostic.warning("skipped '\(path.name)': \(reason)", group: "paths skipped")
    }

    /// Reads a file (or standard input) without reading more than `limit` bytes; returns its bytes and identity.
    static func read(
        _ path: InputPath,
        limit: Int,
        what: String = "manifest",
        standardInput: () -> [UInt8]
    ) throws(Diagnostic) -> (bytes: [UInt8], identity: FileIdentity?) {
        let start = SourceLocation(file: path.name, line: 1, column: 1)
        guard path.raw != nil else {
            let bytes = standardInput()
            if bytes.count > limit { throw tooLarge(bytes.count, limit: limit, at: start) }
            return (bytes, nil)
        }
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw Diagnostic(
                "cannot read '\(path.name)': \(String(cString: strerror(errno)))",
                at: start,
                hint: "check the file's permissions"
            )
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw Diagnostic("cannot read '\(path.name)': \(String(cString: strerror(errno)))", at: start)
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw Diagnostic(
                "'\(path.name)' is a directory, not a \(what) file",
                at: start,
                hint: what == "rules" ? "pass the rules file itself, such as k8s/rules.yaml" : nil
            )
        }
        if info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > limit {
            throw tooLarge(Int(info.st_size), limit: limit, at: start)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) + 1 : 1 << 16)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Diagnostic("cannot read '\(path.name)': \(String(cString: strerror(errno)))", at: start)
            }
            if count == 0 { break }
            bytes += block[0..<count]
        }
        if bytes.count > limit { throw tooLarge(bytes.count, limit: limit, at: start) }
        return (bytes, FileIdentity(info))
    }

    private static func tooLarge(_ size: Int, limit: Int, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            "file is \(size) bytes, more than the limit of \(limit) bytes"
                + (limit >= 1 << 30 && limit % (1 << 30) == 0
                    ? " (\(limit >> 30) GiB)" : limit >= 1 << 20 ? " (\(limit >> 20) MiB)" : ""),
            at: location,
            hint:
                "split the manifests into several files, or raise the limit with --max-input-size (netreach holds a file in memory while it reads it)"
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
            guard let newline = Self.newline(in: bytes, from: lineStart) else { break }
            lineStart = newline + 1
            line += 1
        }
        if start < bytes.count || chunks.isEmpty {
            chunks.append(DocumentChunk(bytes: bytes[start...], origin: origin, gluedSeparator: glued))
        }
        return chunks
    }

    /// The index of the first line feed of `bytes` at or after `start`.
    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { $0.firstIndex(of: UInt8(ascii: "\n"), from: start) }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The index of the first `byte` at or after `start`, found with memchr (the byte-by-byte search of a slice was
    /// most of the time to cut a 116 MB file into its 150,000 documents, on one core before any parsing).
    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress, let found = memchr(base + start, Int32(byte), count - start) else {
            return nil
        }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
