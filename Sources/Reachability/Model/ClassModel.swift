package import KubeModel
import Parallel

/// The compiled model, the first stage of an analysis: endpoints grouped into classes, every policy rule compiled
/// against them (with its origin), and external addresses cut into atoms. Every answer is read from it: the
/// class-level answer (`Reachability`), the checks, and the decisions that explain a flow (`decide`).
///
/// Endpoints with the same namespace, named ports and values of the labels some pod selector reads form one class:
/// no rule can tell them apart.
package struct ClassModel: Sendable {
    /// Endpoints that no policy can tell apart.
    struct EndpointClass: Sendable {
        var namespace: String
        /// The labels some policy's pod selector reads (the others, such as `pod-template-hash`, cannot tell
        /// endpoints apart, so they do not split classes).
        var labels: [String: String]
        var ports: [ContainerPort]
        /// The address atoms the addresses ipBlocks match these pods by fall in (`EngineSettings.ipBlockAddresses`;
        /// ipBlocks cannot tell them apart).
        var addressAtoms: [IPRange] = []
        /// Host-network pods the network plugin leaves out of every policy (`EngineSettings.isUngoverned`).
        var ungoverned = false
        /// Host-network pods, told apart only when the cluster has admin policies: they are neither their subjects
        /// nor their `namespaces`/`pods` peers.
        var hostNetwork = false
        /// The address atoms the pod addresses fall in that admin `networks` peers cut (they match pods by address,
        /// by the specification), when the input has pod addresses.
        var adminAtoms: [IPRange] = []
        /// Endpoint indices, ascending: `Cluster` sorts endpoints by id, so this is name order too.
        var members: [Int]
    }

    /// The cluster compiled.
    package let cluster: Cluster
    /// The points the Kubernetes API leaves to the network plugin, as this model reads them.
    package let settings: EngineSettings
    var classes: [EndpointClass] = []
    var classOfEndpoint: [ClassID] = []
    /// Every compiled rule, policy by policy, ingress before egress, in rule order.
    var rules: [CompiledRule] = []
    /// Per direction and class: the rules of the policies that select it for that direction.
    var governing = PerDirection<[[RuleID]]>(repeating: [])
    /// Per direction and class: the policies that select it for that direction, in policy order.
    var selectedBy = PerDirection<[[PolicyID]]>(repeating: [])
    /// Per direction and class: whether some policy selects it for that direction.
    var isolated = PerDirection<[Bool]>(repeating: [])
    /// External address atoms: disjoint ranges cut at every ipBlock boundary, covering the universe.
    var atoms: [IPRange] = []
    /// Per compiled rule: the atoms its addresses hold, as index intervals.
    var ruleAtoms: [[ClosedRange<Int>]] = []
    /// Every address of the families the atoms are cut from (they cover each family whole).
    var universe = IPSet()
    /// Per policy: the classes it selects.
    var policySelection: [[ClassID]] = []
    /// Per policy and direction: its compiled rules (empty when the policy does not govern that direction).
    var policyRules: [PerDirection<[RuleID]>] = []
    /// Per Service of `cluster.services`, the endpoints its selector picks in its namespace (none without a
    /// selector): what the ways in, the audit and the diagrams read.
    package private(set) var serviceEndpoints: [[Int]] = []
    /// Whether the cluster has admin policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
    /// ClusterNetworkPolicy): without them, every hop is decided by the NetworkPolicies alone, on the fast paths.
    package private(set) var tiered = false
    /// Per direction and class: the admin tier's rules whose policy's subject selects it, in evaluation order.
    var adminGoverning = PerDirection<[[RuleID]]>(repeating: [])
    /// Per direction and class: the baseline tier's rules whose policy's subject selects it, in evaluation order.
    var baselineGoverning = PerDirection<[[RuleID]]>(repeating: [])
    /// With admin tiers: the rules' matches, verdicts and fixed connections as flat tables for the fast path.
    var tierTables = TierTables()
    /// Per admin policy (`Cluster.adminPolicies`): the classes its subject selects.
    var adminSelection: [[ClassID]] = []
    /// Per admin policy and direction: its compiled rules.
    var adminPolicyRules: [PerDirection<[RuleID]>] = []
    /// What the ingress controller reaches through Ingresses, Routes and Gateway routes (computed once).
    private(set) var ingress = IngressControllerAnswer()

    private struct ClassKey: Hashable {
        var namespace: String
        var labels: [String: String]
        var ports: [ContainerPort]
        var addressAtoms: [IPRange]
        var ungoverned: Bool
        var hostNetwork: Bool
        var adminAtoms: [IPRange]
    }

    /// Groups the endpoints into classes and compiles every policy against them.
    /// - Complexity: O(endpoints + policies × rules × classes).
    package init(cluster: Cluster, settings: EngineSettings = EngineSettings()) {
        self.cluster = cluster
        self.settings = settings
        // With pod or node addresses matched by ipBlocks, endpoints whose addresses fall in other atoms are told apart.
        let matchable =
            settings.ipBlockMatchesPods || settings.ipBlockMatchesNodes ? Self.addressAtoms(cluster) : []
        tiered = !cluster.adminPolicies.isEmpty
        let adminMatchable = tiered ? Self.adminAddressAtoms(cluster) : []
        let read = Self.labelKeysRead(cluster)
        let endpoints = cluster.endpoints
        let tiered = tiered
        // A class never spans namespaces, and endpoints are sorted by id, so each namespace's endpoints are
        // consecutive: ranges cut at namespace changes are grouped on every core, and their classes put one after
        // the other are those of one pass in endpoint order.
        let ranges = Self.namespaceRanges(endpoints)
        let grouped = Parallel.map(ranges.count, maxChunks: ranges.count) { r in
            var index: [ClassKey: ClassID] = [:]
            var classes: [EndpointClass] = []
            var classOf: [ClassID] = []
            classOf.reserveCapacity(ranges[r].count)
            for e in ranges[r] {
                let endpoint = endpoints[e]
                let named = endpoint.ports.filter { $0.name != nil }.sorted()
                let labels =
                    endpoint.labels.keys.allSatisfy(read.contains)
                    ? endpoint.labels : endpoint.labels.filter { read.contains($0.key) }
                let atoms =
                    matchable.isEmpty
                    ? [] : Self.atoms(holding: settings.ipBlockAddresses(of: endpoint), in: matchable)
                let hostNetwork = tiered && endpoint.hostNetwork
                let key = ClassKey(
                    namespace: endpoint.namespace,
                    labels: labels,
                    ports: named,
                    addressAtoms: atoms,
                    ungoverned: settings.isUngoverned(endpoint),
                    hostNetwork: hostNetwork,
                    adminAtoms: adminMatchable.isEmpty || hostNetwork
                        ? [] : Self.atoms(holding: endpoint.addresses, in: adminMatchable)
                )
                if let c = index[key] {
                    classes[c].members.append(e)
                    classOf.append(c)
                } else {
                    let c = ClassID(classes.count)
                    index[key] = c
                    classOf.append(c)
                    classes.append(
                        EndpointClass(
                            namespace: endpoint.namespace,
                            labels: labels,
                            ports: named,
                            addressAtoms: atoms,
                            ungoverned: key.ungoverned,
                            hostNetwork: hostNetwork,
                            adminAtoms: key.adminAtoms,
                            members: [e]
                        )
                    )
                }
            }
            return (classes: classes, classOf: classOf)
        }
        classOfEndpoint.reserveCapacity(endpoints.count)
        for piece in grouped {
            let offset = classes.count
            classOfEndpoint += piece.classOf.map { ClassID(offset + $0.index) }
            classes += piece.classes
        }
        var compiler = RuleCompiler(cluster: cluster, classes: classes)
        governing = PerDirection(repeating: Array(repeating: [], count: classes.count))
        selectedBy = PerDirection(repeating: Array(repeating: [], count: classes.count))
        isolated = PerDirection(repeating: Array(repeating: false, count: classes.count))
        // The selectors' matches, then each policy's rules, on every core (live-shaped: 10,000 policies over 20,000
        // classes were half a second on one core); recorded in policy order, the ipBlocks' cuts with them.
        compiler.matchSelectors(of: cluster.policies)
        let prepared = compiler
        let compiled = Parallel.map(cluster.policies.count) { p in
            prepared.compile(cluster.policies[p], PolicyID(p))
        }
        for (p, policy) in cluster.policies.enumerated() {
            record(policy, PolicyID(p), compiled[p], with: &compiler)
        }
        adminGoverning = PerDirection(repeating: Array(repeating: [], count: tiered ? classes.count : 0))
        baselineGoverning = adminGoverning
        for (p, policy) in cluster.adminPolicies.enumerated() {
            compile(policy, AdminPolicyID(p), with: &compiler)
        }
        atoms = compiler.atoms()
        ruleAtoms = rules.map { atomIntervals($0.addresses) }
        if tiered { tierTables = TierTables(rules: rules, classes: classes.count) }
        universe = IPSet.all(Array(Set(atoms.map(\.family))).sorted())
        serviceEndpoints = Self.serviceEndpoints(cluster)
        ingress = ingressController()
    }

    /// `0..<endpoints.count` in up to 8 consecutive ranges, each cut where the namespace changes (endpoints sorted
    /// by id hold each namespace's together), so that no class spans two ranges. One range when some namespace's
    /// endpoints are not together.
    private static func namespaceRanges(_ endpoints: [Endpoint]) -> [Range<Int>] {
        var runs = endpoints.isEmpty ? 0 : 1
        var names: Set<String> = endpoints.first.map { [$0.namespace] } ?? []
        for e in endpoints.indices.dropFirst() where endpoints[e].namespace != endpoints[e - 1].namespace {
            runs += 1
            names.insert(endpoints[e].namespace)
        }
        guard runs == names.count else { return endpoints.isEmpty ? [] : [endpoints.indices] }
        var ranges: [Range<Int>] = []
        var start = 0
        for nominal in Parallel.ranges(endpoints.count, maxChunks: 8) {
            var end = nominal.upperBound
            while end < endpoints.count, end > start, endpoints[end].namespace == endpoints[end - 1].namespace {
                end += 1
            }
            guard end > start else { continue }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// The endpoints each Service selects, in its namespace.
    private static func serviceEndpoints(_ cluster: Cluster) -> [[Int]] {
        guard !cluster.services.isEmpty else { return [] }
        let byNamespace = cluster.endpointIndicesByNamespace()
        return cluster.services.map { service in
            guard let selector = service.selector else { return [] }
            return (byNamespace[service.namespace] ?? []).filter { e in
                selector.allSatisfy { cluster.endpoints[e].labels[$0.key] == $0.value }
            }
        }
    }

    /// Records one policy's compiled rules and which classes it selects and isolates.
    private mutating func record(
        _ policy: NetworkPolicy,
        _ p: PolicyID,
        _ compiled: RuleCompiler.CompiledPolicy,
        with compiler: inout RuleCompiler
    ) {
        for case .ipBlock(let block) in policy.peersOfItsTypes { compiler.cut(at: block) }
        policySelection.append(compiled.selected)
        policyRules.append(PerDirection(repeating: []))
        for direction in Direction.allCases where policy.policyTypes.contains(direction) {
            var ruleIDs: [RuleID] = []
            for rule in compiled.rules[direction] {
                rules.append(rule)
                ruleIDs.append(RuleID(rules.count - 1))
            }
            policyRules[p][direction] = ruleIDs
            for c in compiled.selected {
                isolated[direction][c] = true
                selectedBy[direction][c].append(p)
                governing[direction][c] += ruleIDs
            }
        }
    }

    /// Compiles one admin policy's rules and records which classes its subject selects.
    private mutating func compile(_ policy: AdminPolicy, _ p: AdminPolicyID, with compiler: inout RuleCompiler) {
        let matches = compiler.adminMatches(policy.subject)
        let selected = matches.indices.filter { matches[$0] }.map(ClassID.init)
        adminSelection.append(selected)
        adminPolicyRules.append(PerDirection(repeating: []))
        for direction in Direction.allCases {
            var ruleIDs: [RuleID] = []
            for (r, rule) in policy.rules(direction).enumerated() {
                var origin = RuleOrigin(
                    owner: .admin(p, policy.tier),
                    kind: PolicyKind(policy.kind),
                    namespace: "",
                    name: policy.name,
                    direction: direction,
                    index: r,
                    location: rule.location ?? policy.location
                )
                origin.ruleName = rule.name
                rules.append(compiler.compile(rule, origin: origin))
                ruleIDs.append(RuleID(rules.count - 1))
            }
            adminPolicyRules[p][direction] = ruleIDs
            guard !ruleIDs.isEmpty else { continue }
            for c in selected {
                if policy.tier == .admin {
                    adminGoverning[direction][c] += ruleIDs
                } else {
                    baselineGoverning[direction][c] += ruleIDs
                }
            }
        }
    }

    /// The atoms inside `set`, as intervals of atom indices (atoms never straddle an ipBlock boundary).
    func atomIntervals(_ set: IPSet) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for range in set.ranges {
            var low = 0
            var high = atoms.count
            while low < high {
                let mid = (low + high) / 2
                if (atoms[mid].family, atoms[mid].bounds.lowerBound) < (range.family, range.bounds.lowerBound) {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            var last = low - 1
            while last + 1 < atoms.count, atoms[last + 1].family.isSame(as: range.family),
                atoms[last + 1].bounds.upperBound <= range.bounds.upperBound
            {
                last += 1
            }
            if last >= low { out.append(low...last) }
        }
        return out
    }

    /// Every label key a pod selector of a policy reads (`podSelector` and the rules' peers): the only labels that
    /// can tell endpoints apart.
    private static func labelKeysRead(_ cluster: Cluster) -> Set<String> {
        var keys = Set<String>()
        func add(_ selector: LabelSelector?) {
            guard let selector else { return }
            keys.formUnion(selector.matchLabels.keys)
            keys.formUnion(selector.matchExpressions.map(\.key))
        }
        for policy in cluster.policies {
            add(policy.podSelector)
            for direction in Direction.allCases {
                for rule in policy.rules(direction) {
                    for case .pods(let pods, _) in rule.peers ?? [] { add(pods) }
                }
            }
        }
        for policy in cluster.adminPolicies {
            var selections = [policy.subject]
            for direction in Direction.allCases {
                for rule in policy.rules(direction) {
                    for case .pods(let selection) in rule.peers { selections.append(selection) }
                }
            }
            for case .pods(_, let pods) in selections { add(pods) }
        }
        return keys
    }

    /// The atoms the admin policies' `networks` peers cut the address space into, when some endpoint has an address
    /// they can match (none otherwise: classes need not be told apart).
    private static func adminAddressAtoms(_ cluster: Cluster) -> [IPRange] {
        guard cluster.endpoints.contains(where: { !$0.addresses.isEmpty }) else { return [] }
        var compiler = RuleCompiler(cluster: cluster, classes: [])
        var any = false
        for policy in cluster.adminPolicies {
            for rule in policy.egress {
                for case .networks(let cidrs) in rule.peers {
                    for cidr in cidrs { compiler.cut(at: IPBlock(cidr: cidr)) }
                    any = true
                }
            }
        }
        return any ? compiler.atoms() : []
    }

    /// The atoms every ipBlock of the cluster cuts the address space into (what `compile` arrives at too).
    private static func addressAtoms(_ cluster: Cluster) -> [IPRange] {
        var compiler = RuleCompiler(cluster: cluster, classes: [])
        for policy in cluster.policies {
            for direction in Direction.allCases {
                for rule in policy.rules(direction) {
                    for case .ipBlock(let block) in rule.peers ?? [] { compiler.cut(at: block) }
                }
            }
        }
        return compiler.atoms()
    }

    /// The atoms holding `addresses`, sorted, each once.
    private static func atoms(holding addresses: [IPAddress], in atoms: [IPRange]) -> [IPRange] {
        var out = Set<IPRange>()
        for address in addresses {
            var low = 0
            var high = atoms.count - 1
            while low <= high {
                let mid = (low + high) / 2
                let atom = atoms[mid]
                if (atom.family, atom.bounds.upperBound) < (address.family, address.value) {
                    low = mid + 1
                } else if (atom.family, atom.bounds.lowerBound) > (address.family, address.value) {
                    high = mid - 1
                } else {
                    out.insert(atom)
                    break
                }
            }
        }
        return out.sorted { ($0.family, $0.bounds.lowerBound) < ($1.family, $1.bounds.lowerBound) }
    }

    /// Where a compiled rule comes from.
    package func origin(_ rule: RuleID) -> RuleOrigin { rules[rule].origin }

    /// The rule as the NetworkPolicy writes it, that a compiled rule was compiled from (an admin rule has none: it
    /// is read as written, all peers, no ports).
    package func policyRule(_ rule: RuleID) -> PolicyRule {
        let origin = origin(rule)
        guard let p = origin.policy else { return PolicyRule() }
        return policy(p).rules(origin.direction)[origin.index]
    }

    /// The admin rule as written, nil for a NetworkPolicy's rule.
    package func adminRule(_ rule: RuleID) -> AdminRule? {
        let origin = origin(rule)
        return origin.adminPolicy.map { cluster.adminPolicies[$0].rules(origin.direction)[origin.index] }
    }

    /// The policy that owns rules: what explanations and check's "involved" name.
    package func reference(_ owner: RuleOwner) -> PolicyReference {
        switch owner {
        case .networkPolicy(let p): PolicyReference(policy(p))
        case .admin(let p, _): PolicyReference(cluster.adminPolicies[p])
        }
    }

    /// The policy with this id.
    package func policy(_ id: PolicyID) -> NetworkPolicy { cluster.policies[id] }

    /// The class of an endpoint (an index into `cluster.endpoints`).
    package func classOf(endpoint: Int) -> ClassID { classOfEndpoint[endpoint] }
}

/// Compiles the rules of the policies against the classes, caching selector matches, and collects the boundaries
/// where ipBlocks cut the address space.
private struct RuleCompiler {
    let classes: [ClassModel.EndpointClass]
    let classNamespaceLabels: [[String: String]]
    private var podCache: [LabelSelector: [Bool]] = [:]
    private var namespaceCache: [LabelSelector: [Bool]] = [:]
    private var families = Set<IPFamily>([.v4])
    private var cuts: [IPFamily: Set<UInt128>] = [:]

    /// The classes an ipBlock can match by address (those with address atoms).
    private let addressed: [Int]
    /// The classes an admin `networks` peer can match by address.
    private let adminAddressed: [Int]
    private let nodes: [Node]
    /// The classes of each namespace, ascending.
    private let namespaceClasses: [String: [Int]]

    init(cluster: Cluster, classes: [ClassModel.EndpointClass]) {
        self.classes = classes
        var namespaceClasses: [String: [Int]] = [:]
        for (c, cls) in classes.enumerated() { namespaceClasses[cls.namespace, default: []].append(c) }
        self.namespaceClasses = namespaceClasses
        nodes = cluster.nodes
        addressed = classes.indices.filter { !classes[$0].addressAtoms.isEmpty }
        adminAddressed = classes.indices.filter { !classes[$0].adminAtoms.isEmpty }
        var namespaceLabels: [String: [String: String]] = [:]
        for namespace in cluster.namespaces { namespaceLabels[namespace.name] = namespace.labels }
        classNamespaceLabels = classes.map { namespaceLabels[$0.namespace] ?? [Namespace.nameLabel: $0.namespace] }
    }

    /// The classes of `namespace`, ascending.
    func classes(in namespace: String) -> [Int] {
        namespaceClasses[namespace] ?? []
    }

    /// For each class, whether its pods match `selector` (read from the cache `matchSelectors` fills).
    func podMatches(_ selector: LabelSelector) -> [Bool] {
        podCache[selector] ?? classes.map { selector.matches($0.labels) }
    }

    /// For each class, whether its namespace matches `selector` (read from the cache `matchSelectors` fills).
    func namespaceMatches(_ selector: LabelSelector) -> [Bool] {
        namespaceCache[selector] ?? classNamespaceLabels.map { selector.matches($0) }
    }

    /// Matches every distinct pod and namespace selector of `policies` (the rules of their policy types) against
    /// the classes, one selector per task on every core, into the caches.
    mutating func matchSelectors(of policies: [NetworkPolicy]) {
        var pods = Set<LabelSelector>()
        var namespaces = Set<LabelSelector>()
        for policy in policies {
            pods.insert(policy.podSelector)
            for case .pods(let podSelector, let namespaceSelector) in policy.peersOfItsTypes {
                if let podSelector { pods.insert(podSelector) }
                if let namespaceSelector { namespaces.insert(namespaceSelector) }
            }
        }
        let podList = Array(pods)
        let namespaceList = Array(namespaces)
        let snapshot = self
        let podResults = Parallel.map(podList.count) { snapshot.podMatches(podList[$0]) }
        let namespaceResults = Parallel.map(namespaceList.count) { snapshot.namespaceMatches(namespaceList[$0]) }
        for (selector, result) in zip(podList, podResults) { podCache[selector] = result }
        for (selector, result) in zip(namespaceList, namespaceResults) { namespaceCache[selector] = result }
    }

    /// A policy's rules compiled, by direction, and the classes it selects (ascending).
    struct CompiledPolicy {
        var rules = PerDirection<[CompiledRule]>(repeating: [])
        var selected: [ClassID] = []
    }

    /// Compiles the rules of `policy`'s policy types and finds the classes it selects; the ipBlocks' cuts are left
    /// to the caller (this runs on every core).
    func compile(_ policy: NetworkPolicy, _ p: PolicyID) -> CompiledPolicy {
        let matches = podMatches(policy.podSelector)
        var out = CompiledPolicy()
        out.selected = classes(in: policy.namespace).filter { matches[$0] && !classes[$0].ungoverned }
            .map(ClassID.init)
        for direction in Direction.allCases where policy.policyTypes.contains(direction) {
            for (r, rule) in policy.rules(direction).enumerated() {
                let origin = RuleOrigin(
                    owner: .networkPolicy(p),
                    kind: .networkPolicy,
                    namespace: policy.namespace,
                    name: policy.name,
                    direction: direction,
                    index: r,
                    location: rule.location ?? policy.location
                )
                out.rules[direction].append(compile(rule, of: policy, origin: origin))
            }
        }
        return out
    }

    /// Compiles one rule of `policy`: its peers against the classes, its addresses and ports.
    func compile(_ rule: PolicyRule, of policy: NetworkPolicy, origin: RuleOrigin) -> CompiledRule {
        var matchesClass = ClassFlags(count: classes.count)
        var addresses = IPSet()
        if let peers = rule.peers {
            for peer in peers {
                switch peer {
                case .ipBlock(let block):
                    let set = IPSet(block)
                    addresses.formUnion(set)
                    for c in addressed where classes[c].addressAtoms.contains(where: set.contains) {
                        matchesClass[c] = true
                    }
                case .pods(let podSelector, let namespaceSelector):
                    let pods = podSelector.map { podMatches($0) }
                    let namespaces = namespaceSelector.map { namespaceMatches($0) }
                    // A plugin that leaves host-network pods out of every policy matches them by address only.
                    // Without a namespace selector, only the policy's own namespace is looked at (10,000 policies
                    // over 2,000 classes: the other namespaces' classes were most of the work).
                    if let namespaces {
                        for c in classes.indices where !classes[c].ungoverned && namespaces[c] && (pods?[c] ?? true) {
                            matchesClass[c] = true
                        }
                    } else {
                        for c in classes(in: policy.namespace) where !classes[c].ungoverned && (pods?[c] ?? true) {
                            matchesClass[c] = true
                        }
                    }
                }
            }
        } else {
            matchesClass = ClassFlags(count: classes.count, all: true)
            addresses = IPSet.all([.v4, .v6])
        }
        let isNamed = rule.ports?.contains { if case .named = $0.port { return true } else { return false } } ?? false
        let controllerNamespace = [Namespace.nameLabel: IngressController.namespace]
        let matchesController =
            rule.peers?.contains { peer in
                guard case .pods(let pods, let namespaces) = peer, let namespaces else { return false }
                return namespaces.matches(controllerNamespace) && (pods?.matches([:]) ?? true)
            } ?? true
        return CompiledRule(
            origin: origin,
            matchesClass: matchesClass,
            matchesIngressController: matchesController,
            addresses: addresses,
            ports: rule.ports,
            fixedConnections: isNamed ? nil : ClassModel.connections(rule.ports, destinationPorts: [])
        )
    }

    /// For each class, whether an admin subject or `namespaces`/`pods` peer selects its pods (never host-network
    /// pods).
    func adminMatches(_ selection: AdminSelection) -> [Bool] {
        classes.indices.map { c in
            !classes[c].hostNetwork
                && selection.matches(namespaceLabels: classNamespaceLabels[c], podLabels: classes[c].labels)
        }
    }

    /// Compiles an admin rule: its peers against the classes, the addresses it matches (networks, nodes), and its
    /// ports as policy ports (a named port matches the container port of that name, of any protocol).
    mutating func compile(_ rule: AdminRule, origin: RuleOrigin) -> CompiledRule {
        var matchesClass = ClassFlags(count: classes.count)
        var addresses = IPSet()
        var matchesController = false
        let controller = (namespace: [Namespace.nameLabel: IngressController.namespace], pod: [String: String]())
        for peer in rule.peers {
            switch peer {
            case .pods(let selection):
                for (c, match) in adminMatches(selection).enumerated() where match { matchesClass[c] = true }
                if selection.matches(namespaceLabels: controller.namespace, podLabels: controller.pod) {
                    matchesController = true
                }
            case .networks(let cidrs):
                for cidr in cidrs {
                    let block = IPBlock(cidr: cidr)
                    let set = IPSet(block)
                    addresses.formUnion(set)
                    cut(at: block)
                    for c in adminAddressed where classes[c].adminAtoms.contains(where: set.contains) {
                        matchesClass[c] = true
                    }
                }
            case .nodes(let selector):
                for node in nodes where selector.matches(node.labels) {
                    for address in node.addresses {
                        guard let cidr = CIDR("\(address)/\(address.family.bits)") else { continue }
                        addresses.formUnion(IPSet(cidr))
                        cut(at: IPBlock(cidr: cidr))
                    }
                }
            case .domainNames:
                break  // not resolvable offline: no address
            case .unrecognised:
                // Fails closed: an Allow/Accept matches nothing through it, a Deny or Pass everything.
                guard !rule.action.admits else { continue }
                matchesClass = ClassFlags(count: classes.count, all: true)
                addresses = IPSet.all([IPFamily.v4, .v6])
                matchesController = true
            }
        }
        let ports: [PolicyPort]? = rule.ports.map { ports in
            ports.flatMap { port -> [PolicyPort] in
                switch port {
                case .numbers(let proto, let range):
                    [PolicyPort(networkProtocol: proto, port: .number(range.lowerBound), endPort: range.upperBound)]
                case .named(let name):
                    NetworkProtocol.allCases.map { PolicyPort(networkProtocol: $0, port: .named(name)) }
                }
            }
        }
        let isNamed = rule.ports?.contains { if case .named = $0 { true } else { false } } ?? false
        return CompiledRule(
            origin: origin,
            matchesClass: matchesClass,
            matchesIngressController: matchesController,
            addresses: addresses,
            ports: ports,
            fixedConnections: isNamed ? nil : ClassModel.connections(ports, destinationPorts: []),
            verdict: rule.action.admits ? .allow : rule.action == .deny ? .deny : .pass
        )
    }

    mutating func cut(at block: IPBlock) {
        families.insert(block.cidr.family)
        for cidr in [block.cidr] + block.except {
            cuts[cidr.family, default: []].insert(cidr.lower)
            if cidr.upper < cidr.family.maxAddress { cuts[cidr.family, default: []].insert(cidr.upper + 1) }
        }
    }

    /// The address atoms: every family touched, cut at every boundary, in address order.
    func atoms() -> [IPRange] {
        var atoms: [IPRange] = []
        for family in families.sorted() {
            var points = cuts[family, default: []]
            points.insert(0)
            let sorted = points.sorted()
            for (i, start) in sorted.enumerated() {
                let end = i + 1 < sorted.count ? sorted[i + 1] - 1 : family.maxAddress
                atoms.append(IPRange(family: family, bounds: start...end))
            }
        }
        return atoms
    }
}

extension ClassModel {
    /// Per rule, a bit per class its peers match (`CompiledRule.matchesClass`'s words, `(classes + 63) / 64` of them).
    /// The shadowing test reads the rows; the memo keys and the tier tables lay them end to end.
    static func matchBitRows(_ rules: [CompiledRule], classes: Int) -> [[UInt64]] {
        assert(rules.allSatisfy { $0.matchesClass.count == classes }, "rules compiled against other classes")
        return rules.map { $0.matchesClass.words }
    }
}

extension Direction {
    /// 0 for ingress, 1 for egress, by case: `==` on a direction is a call through the protocol's table from this
    /// module (several per class pair with admin tiers).
    var slot: Int {
        if case .ingress = self { 0 } else { 1 }
    }

    /// Whether this is ingress, by case (see `slot`).
    var isIngress: Bool {
        if case .ingress = self { true } else { false }
    }
}

extension PerDirection {
    /// `self[direction]`, read in this module: the subscript is a generic call from here (with or without
    /// `@inlinable`), which copies the value, a retain and a release of an array at every read of a class pair's
    /// hop (a third of the CPU of a 150,000-pod answer with admin tiers).
    @inline(__always)
    func of(_ direction: Direction) -> Value {
        if case .ingress = direction { ingress } else { egress }
    }
}
