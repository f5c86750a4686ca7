import KubeModel

/// Egress rules that open the cloud metadata API, every address on every port, or the kubelet port: one finding
/// per rule (the cause), located at the rule, listing the endpoints it opens, with a fix for the rule as written.
/// A rule that does several of these is reported once, under the most severe: metadata, then any address, then
/// the kubelet.
enum EgressOpenedByRules: AuditCheck {
    static let rules: [AuditRule] = [.egressToCloudMetadata, .egressToKubelet, .egressToAnyAddress]

    /// 169.254.169.254, where cloud providers serve instance credentials.
    static let metadata = IPRange(family: .v4, bounds: 0xA9FE_A9FE...0xA9FE_A9FE)
    static let kubeletPort = ConnectionSet(.tcp, PortSet(10250...10250))
    static let metadataPort = ConnectionSet(.tcp, PortSet(80...80))

    /// What one rule opens for one class.
    private enum Kind: Int, Comparable {
        case metadata, anyAddress, kubelet

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct Cause: Hashable {
        var rule: RuleID
        var kind: Kind
    }

    static func run(_ context: inout AuditContext) {
        let model = context.model
        var order: [Cause] = []
        var endpoints: [Cause: [Int]] = [:]
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.egress[c] {
            for (rule, kind) in causes(in: c, context) {
                let cause = Cause(rule: rule, kind: kind)
                if endpoints[cause] == nil { order.append(cause) }
                endpoints[cause, default: []] += model.classes[c].members
            }
        }
        for cause in order {
            report(cause, endpoints: (endpoints[cause] ?? []).sorted(), &context)
        }
    }

    /// For class `c`, each rule that opens something, with the most severe thing it opens.
    private static func causes(in c: ClassID, _ context: AuditContext) -> [(RuleID, Kind)] {
        let model = context.model
        var kinds: [RuleID: Kind] = [:]
        func note(_ rules: [RuleID], _ kind: Kind) {
            // The NetworkPolicies' rules: what an admin tier allows is the cluster administrator's choice.
            for r in rules where model.origin(r).policy != nil { kinds[r] = min(kinds[r] ?? kind, kind) }
        }
        let toMetadata = model.decide(.egress, at: c, peer: .addresses(IPSet(metadata)))
        note(toMetadata.allowing(metadataPort), .metadata)
        note(model.governing.egress[c].filter { allowsEverything(context.rule($0)) }, .anyAddress)
        for (peer, connections) in context.addressesReached(by: c)
        where connections.intersection(kubeletPort) == kubeletPort {
            guard let set = peer.addresses else { continue }
            note(model.decide(.egress, at: c, peer: .addresses(set)).allowing(kubeletPort), .kubelet)
        }
        note(model.governing.egress[c].filter { namesKubeletPortOfPods(context.rule($0)) }, .kubelet)
        return kinds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A rule as written that allows every address on every port: no `to`, or an ipBlock of a whole family,
    /// without ports.
    private static func allowsEverything(_ rule: PolicyRule) -> Bool {
        guard rule.ports == nil else { return false }
        guard let peers = rule.peers else { return true }
        return peers.contains {
            if case .ipBlock(let block) = $0 { return block.cidr.prefixLength == 0 } else { return false }
        }
    }

    /// A rule that names TCP 10250 in its ports (a number or a range) towards pods: a node's host-network pods
    /// answer on the node's address, so the rule reaches kubelets.
    private static func namesKubeletPortOfPods(_ rule: PolicyRule) -> Bool {
        guard let ports = rule.ports, let peers = rule.peers,
            peers.contains(where: { if case .pods = $0 { return true } else { return false } })
        else { return false }
        return ports.contains { port in
            guard port.networkProtocol == .tcp, case .number(let start) = port.port else { return false }
            return (start...(port.endPort ?? start)).contains(10250)
        }
    }

    private static func report(_ cause: Cause, endpoints: [Int], _ context: inout AuditContext) {
        let origin = context.model.origin(cause.rule)
        guard let p = origin.policy else { return }
        let policy = context.model.policy(p)
        let rule = context.rule(cause.rule)
        let count = "\(endpoints.count) \(endpoints.count == 1 ? "endpoint" : "endpoints")"
        let what = "\(origin.field) of NetworkPolicy \(policy.id)"
        var evidence: [Evidence] = endpoints.prefix(Auditor.evidenceLimit).map {
            .endpoint(context.cluster.endpoints[$0].id)
        }
        if endpoints.count > evidence.count { evidence.append(.more(endpoints.count - evidence.count)) }
        let (auditRule, message, fix): (AuditRule, String, String)
        switch cause.kind {
        case .metadata:
            auditRule = .egressToCloudMetadata
            message =
                "\(what) lets \(count) connect to the cloud metadata API 169.254.169.254 on TCP 80"
                + (allowsEverything(rule) ? ": it allows every address on every port" : "")
            fix = metadataFix(rule)
        case .anyAddress:
            auditRule = .egressToAnyAddress
            message = "\(what) lets \(count) connect to every address on every port"
            fix =
                rule.peers == nil
                ? "give the rule a 'to' that names what the pods call, and the ports they use"
                : "list the ports the pods use in the rule, and narrow its ipBlock to the addresses they call"
        case .kubelet:
            auditRule = .egressToKubelet
            let ofPods = namesKubeletPortOfPods(rule)
            message =
                "\(what) lets \(count) connect to the kubelet port TCP 10250"
                + (ofPods ? " of pods, which include the nodes' host-network pods" : " outside the cluster")
            fix =
                rule.ports == nil
                ? "list the ports the pods use in the rule (not TCP 10250), or narrow its ipBlocks"
                : "remove TCP 10250 from the rule's ports unless the pods must call the kubelet"
        }
        // Suppressed by the policy's annotation, or by the annotations of every endpoint it opens (where the
        // per-endpoint findings of earlier versions were suppressed).
        let endpointAnnotations = endpoints.map { context.cluster.endpoints[$0].annotations }
        let everyEndpoint =
            endpointAnnotations.allSatisfy { IgnoreAnnotation($0).reasons[auditRule.id] != nil }
            ? endpointAnnotations.first : nil
        context.add(
            auditRule,
            subject: "NetworkPolicy \(policy.id)",
            message,
            fix: fix,
            at: [origin.location],
            evidence: evidence,
            annotations: IgnoreAnnotation(policy.annotations).reasons[auditRule.id] == nil
                ? everyEndpoint ?? policy.annotations : policy.annotations
        )
    }

    /// How to close the metadata API in this rule as written.
    private static func metadataFix(_ rule: PolicyRule) -> String {
        guard let peers = rule.peers else {
            return "give the rule a 'to' that names what the pods call; where they need the internet, use an ipBlock "
                + "with except: [169.254.169.254/32]"
        }
        for peer in peers {
            if case .ipBlock(let block) = peer, IPSet(block.cidr).contains(metadata) {
                return "add 169.254.169.254/32 to the except list of its ipBlock \(block.cidr)"
            }
        }
        return "add 169.254.169.254/32 to the except list of the ipBlock that allows it"
    }
}
