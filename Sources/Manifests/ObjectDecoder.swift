import KubeModel
import YAMLTree

/// What one document contributed.
struct DecodedObjects {
    var namespaces: [Namespace] = []
    var endpoints: [PodOrWorkload] = []
    var policies: [NetworkPolicy] = []
    var services: [Service] = []
    var waysIn: [WayIn] = []
    var referenceGrants: [ReferenceGrant] = []
    var gateways: [Gateway] = []
    var adminPolicies: [AdminPolicy] = []
    var nodes: [Node] = []
    /// Kinds that are Kubernetes objects netreach does not analyze, with how often.
    var skippedKinds: [String: Int] = [:]
    /// True when the document is not a Kubernetes object at all.
    var notKubernetes = false
    /// Problems that lose a detail but not the object.
    var warnings: [Diagnostic] = []

    /// Adds the objects (and the kinds skipped) of `other`; its warnings are the caller's to place.
    mutating func merge(_ other: DecodedObjects) {
        namespaces += other.namespaces
        endpoints += other.endpoints
        policies += other.policies
        services += other.services
        waysIn += other.waysIn
        referenceGrants += other.referenceGrants
        gateways += other.gateways
        adminPolicies += other.adminPolicies
        nodes += other.nodes
        skippedKinds.merge(other.skippedKinds, uniquingKeysWith: +)
    }
}

/// An endpoint as decoded, before pods of one owner are merged.
struct PodOrWorkload {
    var endpoint: Endpoint
    /// The pod's own name when it is reported as its owner.
    var podName: String?
    /// A pod whose `status.phase` is `Succeeded` or `Failed`: it has no network presence any more.
    var completed = false
}

/// Turns a YAML document into Kubernetes objects.
struct ObjectDecoder {
    static let workloadKinds: Set<String> = [
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    ]

    let reader: NodeReader
    /// Skip an item of a List that cannot be read (with a warning) instead of failing the whole List.
    let keepGoing: Bool
    /// The namespace of objects without `metadata.namespace` (`-n`).
    let defaultNamespace: String
    /// The namespace of every namespaced object (a kustomization's `namespace:`), whatever it says.
    let forcedNamespace: String?

    init(file: String, keepGoing: Bool = false, defaultNamespace: String = "default", forcedNamespace: String? = nil) {
        reader = NodeReader(file: file)
        self.keepGoing = keepGoing
        self.defaultNamespace = defaultNamespace
        self.forcedNamespace = forcedNamespace
    }

    func decode(_ root: YAMLNode, into out: inout DecodedObjects) throws(Diagnostic) {
        guard root.mapping != nil, let kindNode = reader.child(root, "kind"), let kind = kindNode.scalar,
            reader.child(root, "apiVersion")?.scalar != nil || root["items"] != nil
        else {
            // A netreach rules file (`rules:` and nothing else) kept beside the manifests is ours: skip it quietly.
            let isRulesFile = root.mapping?.count == 1 && root["rules"]?.sequence != nil
            if !isRulesFile { out.notKubernetes = true }
            return
        }
        try decode(root, kind: kind, apiVersion: root["apiVersion"]?.scalar ?? "", into: &out)
    }

    private func decode(_ object: YAMLNode, kind: String, apiVersion: String, into out: inout DecodedObjects)
        throws(Diagnostic)
    {
        if kind.hasSuffix("List"), let itemsNode = object["items"] {
            let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
            for (index, item) in try reader.sequence(itemsNode, field: "items").enumerated() {
                try decodeListItem(item, index: index, listKind: itemKind, apiVersion: apiVersion, into: &out)
            }
            return
        }
        switch kind {
        case "Namespace":
            out.namespaces.append(try namespace(object))
        case "Pod":
            out.endpoints.append(try pod(object, warnings: &out.warnings))
        case "NetworkPolicy"
        where apiVersion.hasPrefix("networking.k8s.io/") || apiVersion == "extensions/v1beta1" || apiVersion.isEmpty:
            out.policies.append(
                try PolicyDecoder(
                    reader: reader,
                    defaultNamespace: forcedNamespace ?? defaultNamespace,
                    forced: forcedNamespace != nil
                )
                .policy(object)
            )
        case "Service" where apiVersion == "v1" || apiVersion.isEmpty:
            out.services.append(try service(object))
        case "Ingress" where apiVersion.hasPrefix("networking.k8s.io/") || apiVersion.hasPrefix("extensions/"):
            out.waysIn.append(try ingress(object))
        case "Route" where apiVersion.hasPrefix("route.openshift.io/"):
            out.waysIn.append(try route(object))
        case "HTTPRoute", "GRPCRoute", "TCPRoute",
            "TLSRoute" where apiVersion.hasPrefix("gateway.networking.k8s.io/"):
            out.waysIn.append(try gatewayRoute(object, kind: kind))
        case "Gateway" where apiVersion.hasPrefix("gateway.networking.k8s.io/"):
            out.gateways.append(try gateway(object))
        case "ReferenceGrant" where apiVersion.hasPrefix("gateway.networking.k8s.io/"):
            out.referenceGrants.append(try referenceGrant(object))
        case "AdminNetworkPolicy",
            "BaselineAdminNetworkPolicy"
        where apiVersion == "policy.networking.k8s.io/v1alpha1":
            let kind: AdminPolicyKind = kind == "AdminNetworkPolicy" ? .adminNetworkPolicy : .baselineAdminNetworkPolicy
            out.adminPolicies.append(try AdminPolicyDecoder(reader: reader).policy(object, kind: kind))
        case "ClusterNetworkPolicy" where apiVersion == AdminPolicyDecoder.v1alpha2:
            out.adminPolicies.append(try AdminPolicyDecoder(reader: reader).policy(object, kind: .clusterNetworkPolicy))
        case "Node" where apiVersion == "v1" || apiVersion.isEmpty:
            out.nodes.append(try AdminPolicyDecoder(reader: reader).node(object))
        case _
        where Self.workloadKinds.contains(kind)
            && (apiVersion.hasPrefix("apps/") || apiVersion.hasPrefix("batch/") || apiVersion == "v1"
                || apiVersion.hasPrefix("extensions/") || apiVersion.isEmpty):
            out.endpoints.append(try workload(object, kind: kind, warnings: &out.warnings))
        default:
            let group = apiVersion.split(separator: "/").dropLast().first.map { " (\($0))" } ?? ""
            out.skippedKinds[kind + group, default: 0] += 1
        }
    }

    /// The item kind and apiVersion of a List document's root (`itemKind` nil for a plain `List`), or nil when the
    /// root is not a List.
    func listKind(_ root: YAMLNode) -> (itemKind: String?, apiVersion: String)? {
        guard let kind = reader.child(root, "kind")?.scalar, kind.hasSuffix("List"), root["items"] != nil else {
            return nil
        }
        return (kind == "List" ? nil : String(kind.dropLast(4)), root["apiVersion"]?.scalar ?? "")
    }

    /// Whether an item of a List can be decoded before the List's own `kind` and `apiVersion` are read (kubectl
    /// prints them after `items`): it is a mapping that names both.
    func decodesAlone(_ item: YAMLNode) -> Bool {
        item.mapping != nil && reader.child(item, "kind")?.scalar != nil
            && reader.child(item, "apiVersion")?.scalar != nil
    }

    /// Decodes item `index` of a List; with `keepGoing`, an item that cannot be read is skipped with a warning.
    func decodeListItem(
        _ item: YAMLNode,
        index: Int,
        listKind itemKind: String?,
        apiVersion: String,
        into out: inout DecodedObjects
    ) throws(Diagnostic) {
        do throws(Diagnostic) {
            _ = try reader.mapping(item, field: "items[\(index)]")
            let kind = try reader.child(item, "kind").map { (n) throws(Diagnostic) in
                try reader.string(n, field: "items[\(index)].kind")
            }
            guard let kind = kind ?? itemKind else {
                throw Diagnostic(
                    "items[\(index)] of a List has no 'kind'",
                    at: reader.location(item),
                    hint: "give every item of a List its kind, or use a typed list such as PodList"
                )
            }
            let itemVersion = reader.child(item, "apiVersion")?.scalar ?? apiVersion
            try decode(item, kind: kind, apiVersion: itemVersion, into: &out)
        } catch {
            guard keepGoing else { throw error }
            out.warnings.append(
                Diagnostic.warning(
                    "skipped object: \(error.message)",
                    at: error.location,
                    group: "objects skipped"
                )
            )
        }
    }

    struct Metadata {
        var name: String
        var namespace: String
        var labels: [String: String]
        var annotations: [String: String]
    }

    func metadata(_ object: YAMLNode, nameRule: NameRule = .dnsSubdomain) throws(Diagnostic) -> Metadata {
        guard let meta = reader.child(object, "metadata") else {
            throw Diagnostic("object has no 'metadata'", at: reader.location(object), hint: "add metadata.name")
        }
        _ = try reader.mapping(meta, field: "metadata")
        guard let nameNode = reader.child(meta, "name") else {
            throw Diagnostic("object has no 'metadata.name'", at: reader.location(meta), hint: "add metadata.name")
        }
        let name = try reader.name(nameNode, field: "metadata.name", rule: nameRule)
        let namespace =
            try reader.child(meta, "namespace").map { (n) throws(Diagnostic) in
                try reader.name(n, field: "metadata.namespace", rule: .dnsLabel)
            } ?? defaultNamespace
        let labels = try reader.labels(reader.child(meta, "labels"), field: "metadata.labels")
        let annotations = try reader.annotations(reader.child(meta, "annotations"), field: "metadata.annotations")
        return Metadata(
            name: name,
            namespace: forcedNamespace ?? (namespace.isEmpty ? defaultNamespace : namespace),
            labels: labels,
            annotations: annotations
        )
    }

    private func namespace(_ object: YAMLNode) throws(Diagnostic) -> Namespace {
        let meta = try metadata(object, nameRule: .dnsLabel)
        return Namespace(
            name: meta.name,
            labels: meta.labels,
            location: reader.location(object),
            annotations: meta.annotations
        )
    }

    private func pod(_ object: YAMLNode, warnings: inout [Diagnostic]) throws(Diagnostic) -> PodOrWorkload {
        let meta = try metadata(object)
        let spec = reader.child(object, "spec")
        let (ports, hostNetwork) = try podSpec(spec, field: "spec", warnings: &warnings)
        var name = meta.name
        var kind = "Pod"
        var podName: String?
        if let refs = reader.child(reader.child(object, "metadata"), "ownerReferences") {
            let items = try reader.sequence(refs, field: "metadata.ownerReferences")
            let controller = items.first {
                (try? reader.bool(
                    $0["controller"] ?? YAMLNode(.scalar("false", .plain, tag: nil), mark: $0.mark),
                    field: ""
                )) == true
            }
            // Mirror pods of static pods name their Node as controller; each is a pod of its own.
            if let owner = controller ?? items.first, let ownerNode = reader.child(owner, "name"),
                ownerNode.scalar != nil, reader.child(owner, "kind")?.scalar != "Node"
            {
                podName = name
                name = try reader.name(ownerNode, field: "metadata.ownerReferences.name", rule: .dnsSubdomain)
                kind =
                    try reader.child(owner, "kind").map { (n) throws(Diagnostic) in
                        try reader.name(n, field: "metadata.ownerReferences.kind", rule: .kind)
                    } ?? "Pod"
            }
        }
        var endpoint = Endpoint(
            namespace: meta.namespace,
            name: name,
            kind: kind,
            labels: meta.labels,
            ports: ports,
            hostNetwork: hostNetwork,
            location: reader.location(object),
            annotations: meta.annotations
        )
        let status = reader.child(object, "status")
        endpoint.addresses = podIPs(status, warnings: &warnings)
        if let hostIP = reader.child(status, "hostIP")?.scalar, let address = IPAddress(hostIP) {
            endpoint.nodeAddresses = [address]
        }
        let phase = reader.child(status, "phase")?.scalar
        return PodOrWorkload(endpoint: endpoint, podName: podName, completed: phase == "Succeeded" || phase == "Failed")
    }

    /// The pod's IPs from what a live cluster reports: `status.podIP` and `status.podIPs[].ip` (IPv4 and IPv6).
    /// A value that is no IP address is left out with a located warning; status is the cluster's report, not
    /// something the author of the manifests wrote.
    private func podIPs(_ status: YAMLNode?, warnings: inout [Diagnostic]) -> [IPAddress] {
        guard let status, status.mapping != nil else { return [] }
        var nodes: [(YAMLNode, String)] = []
        if let single = reader.child(status, "podIP") { nodes.append((single, "status.podIP")) }
        for (i, item) in (reader.child(status, "podIPs")?.sequence ?? []).enumerated() {
            if let ip = reader.child(item, "ip") { nodes.append((ip, "status.podIPs[\(i)].ip")) }
        }
        var addresses = Set<IPAddress>()
        for (node, field) in nodes {
            guard let text = node.scalar, !node.isNull else { continue }
            guard let address = IPAddress(text) else {
                warnings.append(
                    .warning(
                        "\(field) '\(text)' is not an IP address; it is left out",
                        at: reader.location(node),
                        group: "pod IPs that are not addresses"
                    )
                )
                continue
            }
            addresses.insert(address)
        }
        return addresses.sorted()
    }

    private func workload(_ object: YAMLNode, kind: String, warnings: inout [Diagnostic]) throws(Diagnostic)
        -> PodOrWorkload
    {
        let meta = try metadata(object)
        var template = reader.child(reader.child(object, "spec"), "template")
        var field = "spec.template"
        if kind == "CronJob" {
            template = reader.child(
                reader.child(reader.child(reader.child(object, "spec"), "jobTemplate"), "spec"),
                "template"
            )
            field = "spec.jobTemplate.spec.template"
        }
        let labels = try reader.labels(
            reader.child(reader.child(template, "metadata"), "labels"),
            field: "\(field).metadata.labels"
        )
        let (ports, hostNetwork) = try podSpec(
            reader.child(template, "spec"),
            field: "\(field).spec",
            warnings: &warnings
        )
        let endpoint = Endpoint(
            namespace: meta.namespace,
            name: meta.name,
            kind: kind,
            labels: labels,
            ports: ports,
            hostNetwork: hostNetwork,
            location: reader.location(object),
            annotations: meta.annotations
        )
        return PodOrWorkload(endpoint: endpoint, podName: nil)
    }

    private func podSpec(_ spec: YAMLNode?, field: String, warnings: inout [Diagnostic]) throws(Diagnostic) -> (
        [ContainerPort], Bool
    ) {
        guard let spec else { return ([], false) }
        _ = try reader.mapping(spec, field: field)
        var ports: [ContainerPort] = []
        if let containers = reader.child(spec, "containers") {
            for (c, container) in try reader.sequence(containers, field: "\(field).containers").enumerated() {
                guard let portList = reader.child(container, "ports") else { continue }
                for (p, port) in try reader.sequence(portList, field: "\(field).containers[\(c)].ports").enumerated() {
                    // Built only for a message: most ports have none.
                    func path() -> String { "\(field).containers[\(c)].ports[\(p)]" }
                    guard let numberNode = reader.child(port, "containerPort") else {
                        let near = port.mapping?.compactMap { $0.key.scalar }.first {
                            $0.lowercased() == "containerport"
                        }
                        let found = near.map { " (found '\($0)'; field names are case-sensitive)" } ?? ""
                        warnings.append(
                            Diagnostic.warning(
                                "\(path()) has no 'containerPort'\(found); the port is ignored",
                                at: reader.location(port),
                                group: "ports without containerPort"
                            )
                        )
                        continue
                    }
                    let number = try reader.portNumber(numberNode, field: "\(path()).containerPort")
                    let proto = try reader.networkProtocol(reader.child(port, "protocol"), field: "\(path()).protocol")
                    let name = try reader.child(port, "name").map { (n) throws(Diagnostic) in
                        try reader.string(n, field: "\(path()).name")
                    }
                    ports.append(ContainerPort(name: name, number: number, networkProtocol: proto))
                }
            }
        }
        let hostNetwork =
            try reader.child(spec, "hostNetwork").map { (n) throws(Diagnostic) in
                try reader.bool(n, field: "\(field).hostNetwork")
            } ?? false
        return (ports, hostNetwork)
    }
}
