import KubeModel
import YAMLTree

/// Reads a Pod document straight from libyaml's events, with no YAML tree (issue 18: a cluster dump is mostly
/// Pods, and building their trees cost more than parsing them).
///
/// It is a fast path, not a second decoder: it takes only a Pod that `ObjectDecoder` reads without a warning or an
/// error, and gives up (nil) on anything else, which the caller then reads through the tree as before. So every
/// message, and every position in one, still comes from `ObjectDecoder`. Where the two could disagree, the scanner
/// gives up: a name or label that breaks a rule, a port without `containerPort`, a pod IP that is no address, the
/// `netreach.io/ignore` annotation, a value of an unexpected shape, and everything `YAMLParser.scan` refuses
/// (anchors, aliases, tags, merge keys, duplicate keys, non-ASCII keys).
struct PodScanner: YAMLScanVisitor {
    /// What the open mapping or sequence is.
    private enum Context {
        case root, metadata, labels, annotations, owners, owner, spec, containers, container, ports, port, status
        case podIPs, podIP
    }

    /// The key whose value comes next.
    private enum Field {
        case other, apiVersion, kind, metadata, spec, status, items, name, namespace, labels, annotations
        case ownerReferences
        case controller, containers, ports, containerPort, protocolName, hostNetwork, podIP, podIPs, ip, hostIP, phase
        /// A label or annotation key, held in `keyText`.
        case text
    }

    private struct Frame {
        var context: Context
        var isMapping: Bool
        var expectsKey = true
        var field = Field.other
    }

    private struct Owner {
        var name: String?
        var kind: String?
        var controller = false
    }

    private var frames: [Frame] = []
    /// Collections open inside a value that is not read (0: none).
    private var skipDepth = 0
    private var keyText = ""

    private var rootMark: SourceMark?
    private var isPod = false
    private var hasAPIVersion = false
    private var name: String?
    private var namespace: String?
    private var labels: [String: String] = [:]
    private var annotations: [String: String] = [:]
    private var owners: [Owner] = []
    private var ports: [ContainerPort] = []
    private var port: (number: Int?, networkProtocol: NetworkProtocol, name: String?) = (nil, .tcp, nil)
    private var hostNetwork = false
    private var addresses = Set<IPAddress>()
    private var hostIP: IPAddress?
    private var phase: String?

    /// A scanner with room for a pod's nesting (growing the frame stack step by step cost allocations per pod).
    init() {
        frames.reserveCapacity(16)
    }

    /// The Pod in `bytes` (one document starting at `origin`), or nil when the tree must read it.
    static func pod(
        in bytes: ArraySlice<UInt8>,
        origin: SourceMark,
        file: String,
        limits: YAMLLimits,
        defaultNamespace: String,
        forcedNamespace: String?
    ) -> PodOrWorkload? {
        var scanner = PodScanner()
        guard YAMLParser.scan(bytes, limits: limits, origin: origin, into: &scanner) else { return nil }
        return scanner.result(file: file, defaultNamespace: defaultNamespace, forcedNamespace: forcedNamespace)
    }

    /// The Pod as `ObjectDecoder.pod` builds it, or nil when the document is not one it reads without a message.
    private func result(file: String, defaultNamespace: String, forcedNamespace: String?) -> PodOrWorkload? {
        // A name is read only inside a metadata mapping.
        guard isPod, hasAPIVersion, var name, let rootMark else { return nil }
        var kind = "Pod"
        var podName: String?
        if let owner = owners.first(where: \.controller) ?? owners.first, let ownerName = owner.name,
            owner.kind != "Node"
        {
            guard NameRule.dnsSubdomain.check(ownerName) == .valid else { return nil }
            if let ownerKind = owner.kind {
                guard NameRule.kind.check(ownerKind) == .valid else { return nil }
                kind = ownerKind
            }
            podName = name
            name = ownerName
        }
        let written = namespace ?? defaultNamespace
        var endpoint = Endpoint(
            namespace: forcedNamespace ?? (written.isEmpty ? defaultNamespace : written),
            name: name,
            kind: kind,
            labels: labels,
            ports: ports,
            hostNetwork: hostNetwork,
            location: SourceLocation(file: file, line: rootMark.line, column: rootMark.column),
            annotations: annotations
        )
        endpoint.addresses = addresses.sorted()
        if let hostIP { endpoint.nodeAddresses = [hostIP] }
        return PodOrWorkload(endpoint: endpoint, podName: podName, completed: phase == "Succeeded" || phase == "Failed")
    }

    mutating func open(mapping: Bool, at mark: SourceMark) -> Bool {
        if skipDepth > 0 {
            skipDepth += 1
            return true
        }
        guard let top = frames.last else {
            rootMark = mark
            frames.append(Frame(context: .root, isMapping: true))
            return mapping
        }
        let context: Context?
        if top.isMapping {
            switch (top.context, top.field) {
            case (.root, .metadata): context = .metadata
            case (.root, .spec): context = .spec
            case (.root, .status): context = .status
            case (.metadata, .labels): context = .labels
            case (.metadata, .annotations): context = .annotations
            case (.metadata, .ownerReferences): context = .owners
            case (.spec, .containers): context = .containers
            case (.container, .ports): context = .ports
            case (.status, .podIPs): context = .podIPs
            case (_, .other):
                skipDepth = 1
                return true
            default:
                // A field read as a scalar, or a label or annotation, holds a mapping or a sequence.
                return false
            }
        } else {
            switch top.context {
            case .owners:
                owners.append(Owner())
                context = .owner
            case .containers: context = .container
            case .ports:
                port = (nil, .tcp, nil)
                context = .port
            case .podIPs: context = .podIP
            default: context = nil
            }
        }
        guard let context else { return false }
        let wantsMapping =
            switch context {
            case .owners, .containers, .ports, .podIPs: false
            default: true
            }
        guard mapping == wantsMapping else { return false }
        frames.append(Frame(context: context, isMapping: mapping))
        return true
    }

    mutating func close() -> Bool {
        if skipDepth > 0 {
            skipDepth -= 1
            if skipDepth == 0 { valueDone() }
            return true
        }
        guard let frame = frames.popLast() else { return false }
        if frame.context == .port {
            guard let number = port.number else { return false }
            ports.append(ContainerPort(name: port.name, number: number, networkProtocol: port.networkProtocol))
        }
        valueDone()
        return true
    }

    mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        if skipDepth > 0 { return true }
        guard let top = frames.last, top.isMapping else { return false }
        if top.expectsKey {
            let field = field(text, in: top.context)
            // A List (kubectl's whole cluster in one document) is no Pod: stop before reading its items, which
            // the tree reads anyway.
            guard field != .items else { return false }
            frames[frames.count - 1].expectsKey = false
            frames[frames.count - 1].field = field
            return true
        }
        valueDone()
        let isNull = plain && YAMLNode.isNull(plainText: text)
        func string() -> String { String(decoding: text, as: UTF8.self) }
        switch (top.context, top.field) {
        case (.root, .apiVersion): hasAPIVersion = !isNull
        case (.root, .kind):
            guard !isNull, Self.equals(text, "Pod") else { return false }
            isPod = true
        case (.root, .metadata): return false
        case (.root, .spec): return isNull
        case (.metadata, .name):
            guard !isNull else { return false }
            let value = string()
            guard NameRule.dnsSubdomain.check(value) == .valid else { return false }
            name = value
        case (.metadata, .namespace):
            guard !isNull else { return true }
            let value = string()
            guard NameRule.dnsLabel.check(value) == .valid else { return false }
            namespace = value
        case (.metadata, .labels), (.metadata, .annotations), (.metadata, .ownerReferences), (.spec, .containers),
            (.container, .ports):
            return isNull
        case (.labels, .text):
            let value = isNull ? "" : string()
            guard NameRule.labelKey.check(keyText) == .valid, NameRule.labelValue.check(value) == .valid else {
                return false
            }
            labels[keyText] = value
        case (.annotations, .text):
            guard keyText != IgnoreAnnotation.key else { return false }
            annotations[keyText] = isNull ? "" : string()
        case (.owner, .name): owners[owners.count - 1].name = isNull ? nil : string()
        case (.owner, .kind): owners[owners.count - 1].kind = isNull ? nil : string()
        case (.owner, .controller): owners[owners.count - 1].controller = NodeReader.boolValue(string()) == true
        case (.spec, .hostNetwork):
            guard !isNull else { return true }
            guard let value = NodeReader.boolValue(string()) else { return false }
            hostNetwork = value
        case (.port, .containerPort):
            guard !isNull else { return true }
            guard let number = Int(string()), NodeReader.portNumbers.contains(number) else { return false }
            port.number = number
        case (.port, .protocolName):
            guard !isNull else { return true }
            guard let value = NetworkProtocol(rawValue: string()) else { return false }
            port.networkProtocol = value
        case (.port, .name): port.name = isNull ? nil : string()
        case (.status, .podIP), (.podIP, .ip):
            guard !isNull else { return true }
            guard let address = IPAddress(string()) else { return false }
            addresses.insert(address)
        case (.status, .hostIP):
            if !isNull, let address = IPAddress(string()) { hostIP = address }
        case (.status, .phase): phase = isNull ? nil : string()
        default:
            break
        }
        return true
    }

    /// A value of the innermost mapping is complete: a key comes next.
    private mutating func valueDone() {
        guard let top = frames.last, top.isMapping else { return }
        frames[frames.count - 1].expectsKey = true
    }

    // The fields each context reads, by key: built once (a table per key cost an allocation per key).
    private static let rootFields: [(StaticString, Field)] = [
        ("apiVersion", .apiVersion), ("kind", .kind), ("metadata", .metadata), ("spec", .spec), ("status", .status),
        ("items", .items),
    ]
    private static let metadataFields: [(StaticString, Field)] = [
        ("name", .name), ("namespace", .namespace), ("labels", .labels), ("annotations", .annotations),
        ("ownerReferences", .ownerReferences),
    ]
    private static let ownerFields: [(StaticString, Field)] = [
        ("name", .name), ("kind", .kind), ("controller", .controller),
    ]
    private static let specFields: [(StaticString, Field)] = [
        ("containers", .containers), ("hostNetwork", .hostNetwork),
    ]
    private static let containerFields: [(StaticString, Field)] = [("ports", .ports)]
    private static let portFields: [(StaticString, Field)] = [
        ("containerPort", .containerPort), ("protocol", .protocolName), ("name", .name),
    ]
    private static let statusFields: [(StaticString, Field)] = [
        ("podIP", .podIP), ("podIPs", .podIPs), ("hostIP", .hostIP), ("phase", .phase),
    ]
    private static let podIPFields: [(StaticString, Field)] = [("ip", .ip)]

    /// The field a key names in `context`.
    private mutating func field(_ text: UnsafeBufferPointer<UInt8>, in context: Context) -> Field {
        let candidates: [(StaticString, Field)]
        switch context {
        case .labels, .annotations:
            keyText = String(decoding: text, as: UTF8.self)
            return .text
        case .root: candidates = Self.rootFields
        case .metadata: candidates = Self.metadataFields
        case .owner: candidates = Self.ownerFields
        case .spec: candidates = Self.specFields
        case .container: candidates = Self.containerFields
        case .port: candidates = Self.portFields
        case .status: candidates = Self.statusFields
        case .podIP: candidates = Self.podIPFields
        case .owners, .containers, .ports, .podIPs: return .other
        }
        for (word, field) in candidates where Self.equals(text, word) { return field }
        return .other
    }

    private static func equals(_ text: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        let bytes = word.utf8Start
        for i in 0..<text.count where text[i] != bytes[i] { return false }
        return true
    }
}
