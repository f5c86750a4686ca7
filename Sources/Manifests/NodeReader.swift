import KubeModel
import YAMLTree

/// Collects the warnings of one document's decoding (one per decoder, never shared between threads).
final class WarningSink {
    var warnings: [Diagnostic] = []
}

/// Reads typed values out of YAML nodes, with messages that name the field and point at it. Field names are
/// autoclosures, built only when a message needs one (building a path for every value of 150,000 pods cost about a
/// fifth of reading them).
struct NodeReader {
    let file: String
    /// Where checks that keep the value (a non-conformant name) leave their warning.
    let sink = WarningSink()

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.mark.line, column: node.mark.column)
    }

    /// The node at `key`, or nil when absent or null.
    func child(_ node: YAMLNode?, _ key: String) -> YAMLNode? {
        guard let value = node?[key], !value.isNull else { return nil }
        return value
    }

    func mapping(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> [YAMLNode.Pair] {
        if node.isNull { return [] }
        guard let pairs = node.mapping else {
            throw .wrongShape(field: field(), expected: "a mapping", found: "a \(node.shape)", at: location(node))
        }
        return pairs
    }

    func sequence(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> [YAMLNode] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            throw .wrongShape(field: field(), expected: "a list", found: "a \(node.shape)", at: location(node))
        }
        return items
    }

    func string(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> String {
        guard let text = node.scalar else {
            throw .wrongShape(field: field(), expected: "a string", found: "a \(node.shape)", at: location(node))
        }
        return text
    }

    func int(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> Int {
        guard let text = node.scalar, let value = Int(text) else {
            throw Diagnostic(
                "\(field()) must be a whole number, found '\(node.scalar ?? node.shape)'",
                at: location(node)
            )
        }
        return value
    }

    /// The booleans Kubernetes reads from YAML, by their spelling; nil for any other text.
    static func boolValue(_ text: String?) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// The numbers a container or policy port may have.
    static let portNumbers = 1...65535

    func bool(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> Bool {
        guard let value = Self.boolValue(node.scalar) else {
            throw Diagnostic(
                "\(field()) must be true or false, found '\(node.scalar ?? node.shape)'",
                at: location(node)
            )
        }
        return value
    }

    /// A name checked as the API server would (`rule`): an unprintable character is an error, a name that only
    /// breaks the naming rules is kept with a warning.
    func name(_ node: YAMLNode, field: @autoclosure () -> String, rule: NameRule) throws(Diagnostic) -> String {
        let text = try string(node, field: field())
        switch rule.check(text) {
        case .valid:
            break
        case .unprintable(let why):
            throw .unprintableName(text, field: field(), why: why, at: location(node))
        case .nonConformant(let why):
            sink.warnings.append(
                Diagnostic.warning(
                    "\(field()) '\(text)' is kept, but Kubernetes would reject it: \(why)",
                    at: location(node),
                    group: "names Kubernetes would reject"
                )
            )
        }
        return text
    }

    /// Labels (a `map[string]string`), keys and values checked as the API server would; scalar values of other
    /// YAML types are taken as written.
    func labels(_ node: YAMLNode?, field: @autoclosure () -> String) throws(Diagnostic) -> [String: String] {
        guard let node else { return [:] }
        var labels: [String: String] = [:]
        for pair in try mapping(node, field: field()) {
            let key = try name(pair.key, field: "\(field()) key", rule: .labelKey)
            labels[key] =
                pair.value.isNull ? "" : try name(pair.value, field: "\(field()).\(key)", rule: .labelValue)
        }
        return labels
    }

    /// Annotations: free text, not checked (they are printed only escaped).
    func annotations(_ node: YAMLNode?, field: @autoclosure () -> String) throws(Diagnostic) -> [String: String] {
        guard let node else { return [:] }
        var annotations: [String: String] = [:]
        for pair in try mapping(node, field: field()) {
            let key = try string(pair.key, field: "\(field()) key")
            annotations[key] = pair.value.isNull ? "" : try string(pair.value, field: "\(field()).\(key)")
        }
        if let entry = annotations[IgnoreAnnotation.key] {
            let at = child(node, IgnoreAnnotation.key).map(location) ?? location(node)
            for bad in IgnoreAnnotation(value: entry).malformed {
                sink.warnings.append(
                    Diagnostic.warning(
                        "\(IgnoreAnnotation.key) entry '\(bad)' names no finding; it is ignored (write '<finding id>: <reason>', entries separated by ';' or new lines)",
                        at: at,
                        group: "\(IgnoreAnnotation.key) entries that name no finding"
                    )
                )
            }
        }
        return annotations
    }

    func selector(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> LabelSelector {
        _ = try mapping(node, field: field())
        let matchLabels = try labels(child(node, "matchLabels"), field: "\(field()).matchLabels")
        var requirements: [LabelSelector.Requirement] = []
        if let expressions = child(node, "matchExpressions") {
            for (index, item) in try sequence(expressions, field: "\(field()).matchExpressions").enumerated() {
                let path = "\(field()).matchExpressions[\(index)]"
                _ = try mapping(item, field: path)
                guard let keyNode = child(item, "key") else {
                    throw Diagnostic(
                        "\(path) has no 'key'",
                        at: location(item),
                        hint: "every requirement needs a label key"
                    )
                }
                guard let opNode = child(item, "operator") else {
                    throw Diagnostic(
                        "\(path) has no 'operator'",
                        at: location(item),
                        hint: "use In, NotIn, Exists or DoesNotExist"
                    )
                }
                let opText = try string(opNode, field: "\(path).operator")
                guard let op = LabelSelector.Requirement.Operator(rawValue: opText) else {
                    throw .unknownOperator(opText, field: "\(path).operator", at: location(opNode))
                }
                var values: [String] = []
                if let valuesNode = child(item, "values") {
                    values = try sequence(valuesNode, field: "\(path).values").map { (v) throws(Diagnostic) in
                        try string(v, field: "\(path).values")
                    }
                }
                switch op {
                case .in, .notIn:
                    if values.isEmpty {
                        throw Diagnostic(
                            "operator '\(opText)' in \(path) needs at least one value",
                            at: location(opNode),
                            hint: "list the label values under 'values'"
                        )
                    }
                case .exists, .doesNotExist:
                    if !values.isEmpty, let valuesNode = child(item, "values") {
                        throw Diagnostic(
                            "operator '\(opText)' in \(path) takes no values",
                            at: location(valuesNode),
                            hint: "remove 'values', or use In / NotIn to compare values"
                        )
                    }
                }
                requirements.append(.init(key: try string(keyNode, field: "\(path).key"), operator: op, values: values))
            }
        }
        return LabelSelector(matchLabels: matchLabels, matchExpressions: requirements)
    }

    func networkProtocol(_ node: YAMLNode?, field: @autoclosure () -> String) throws(Diagnostic) -> NetworkProtocol {
        guard let node else { return .tcp }
        let text = try string(node, field: field())
        guard let value = NetworkProtocol(rawValue: text) else {
            throw .unknownProtocol(text, field: field(), at: location(node))
        }
        return value
    }

    func portNumber(_ node: YAMLNode, field: @autoclosure () -> String) throws(Diagnostic) -> Int {
        let value = try int(node, field: field())
        guard Self.portNumbers.contains(value) else { throw .portOutOfRange(value, field: field(), at: location(node)) }
        return value
    }

    /// A container port name at `node`, validated as Kubernetes does (`isPortName`); `hint` says what else fits.
    func portName(_ node: YAMLNode, field: @autoclosure () -> String, hint: String) throws(Diagnostic) -> String {
        let text = try string(node, field: field())
        guard Self.isPortName(text) else {
            throw Diagnostic("invalid port name '\(text)' in \(field())", at: location(node), hint: hint)
        }
        return text
    }

    /// A port name as Kubernetes allows it (IANA_SVC_NAME): 1-15 of a-z, 0-9 and '-', with a letter.
    static func isPortName(_ text: String) -> Bool {
        guard (1...15).contains(text.count), !text.hasPrefix("-"), !text.hasSuffix("-"), !text.contains("--") else {
            return false
        }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && text.unicodeScalars.contains { ("a"..."z").contains($0) }
    }
}
