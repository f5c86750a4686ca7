import KubeModel
import YAMLTree

/// What netreach reads of a `kustomization.yaml`: the resources it lists (files and directories, `resources`,
/// `bases` and `components`) and its patch files, which are never read as objects. netreach does not run
/// kustomize: patches, name prefixes, namespaces and generators are not applied, and says so once per tree.
struct Kustomization {
    /// The file names kustomize looks for in a directory.
    static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// Paths relative to the kustomization's directory, in file order.
    var resources: [String] = []
    /// Patch files (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`).
    var patches: [String] = []
    /// Resources that are not local paths (URLs, git repositories).
    var remote: [String] = []
    /// The namespace kustomize gives every namespaced object (`namespace:`), if set.
    var namespace: String?

    /// Reads a kustomization file; nil with the reason when it cannot be read.
    init(bytes: [UInt8], file: String) throws(Diagnostic) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.documents(in: bytes)
        } catch {
            throw .yaml(error, file: file)
        }
        guard let root = documents.first?.root, let pairs = root.mapping else { return }
        for pair in pairs {
            if pair.key.scalar == "namespace", let value = pair.value.scalar, !value.isEmpty {
                if case .valid = NameRule.dnsLabel.check(value) {
                    namespace = value
                } else {
                    throw Diagnostic(
                        "namespace '\(value)' is not a namespace name",
                        at: SourceLocation(file: file, line: pair.value.mark.line, column: pair.value.mark.column)
                    )
                }
                continue
            }
            guard let key = pair.key.scalar, let items = pair.value.sequence else { continue }
            switch key {
            case "resources", "bases", "components":
                for item in items {
                    guard let path = item.scalar else { continue }
                    if Self.isRemote(path) { remote.append(path) } else { resources.append(path) }
                }
            case "patchesStrategicMerge":
                patches += items.compactMap(\.scalar)
            case "patches", "patchesJson6902":
                patches += items.compactMap { $0["path"]?.scalar ?? $0.scalar }
            default:
                continue
            }
        }
    }

    /// A resource kustomize fetches: a URL or a git repository.
    static func isRemote(_ path: String) -> Bool {
        path.contains("://") || path.hasPrefix("github.com/") || path.hasPrefix("git@") || path.contains("?ref=")
    }

    /// `dir/sub/../x` → `dir/x`, as kustomize joins paths (lexically).
    static func join(_ directory: [UInt8], _ relative: String) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        let absolute = relative.hasPrefix("/")
        var parts: [ArraySlice<UInt8>] = absolute ? [] : directory.split(separator: slash)
        let rooted = absolute || directory.first == slash
        for part in Array(relative.utf8).split(separator: slash) {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) {
                if let last = parts.last, !last.elementsEqual("..".utf8), !last.elementsEqual(".".utf8) {
                    parts.removeLast()
                    continue
                }
                if rooted { continue }
            }
            parts.append(part)
        }
        let joined = Array(parts.joined(separator: [slash]))
        if rooted { return [slash] + joined }
        return joined.isEmpty ? Array(".".utf8) : joined
    }
}
