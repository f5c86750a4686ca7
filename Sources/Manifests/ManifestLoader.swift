import Foundation
package import KubeModel
import Parallel
package import YAMLTree

/// How to load manifests.
package struct LoadOptions: Sendable {
    /// Skip a document that cannot be read (with a warning) instead of stopping.
    package var keepGoing: Bool
    /// Bounds on each input.
    package var limits: YAMLLimits
    /// The namespace of objects without `metadata.namespace`, as `kubectl apply -n` gives them.
    package var defaultNamespace: String
    /// The namespace of every namespaced object, whatever it says (a kustomization's `namespace:`).
    var forcedNamespace: String? = nil
    /// Leave out pods whose `status.phase` is `Succeeded` or `Failed` (they are kept by default, as the peers keep
    /// them).
    package var skipCompleted = false
    /// Two admin policies of one tier at the same priority whose subjects overlap are a warning (evaluated in name
    /// order) instead of an error: the specification leaves their order undefined.
    package var allowSamePriority = false
    /// Read Pods straight from the parser's events when they hold nothing unusual (`PodScanner`); off, every
    /// document goes through the YAML tree. The answer is the same either way: tests and the fuzz harness compare.
    package var scanPods = true
    /// A List document at least this large, in kubectl's layout, has its items cut by their text and read on every
    /// core (`ListCut`); with `scanPods` off, never. The answer is the same either way: tests and the fuzz harness
    /// compare with 0 and with the tree.
    package var listCutBytes = 1 << 20

    /// Creates options.
    package init(keepGoing: Bool = false, limits: YAMLLimits = .default, defaultNamespace: String = "default") {
        self.keepGoing = keepGoing
        self.limits = limits
        self.defaultNamespace = defaultNamespace
    }
}

/// The cluster read from the manifests, and what was skipped or assumed on the way.
package struct LoadResult: Sendable {
    /// Namespaces, endpoints and policies.
    package var cluster: Cluster
    /// Warnings in the order they arose, summaries last.
    package var warnings: [Diagnostic]
    /// The files that were read (not standard input), so that no output replaces one of them.
    package var inputs: [InputFileIdentity] = []
}

/// Reads Kubernetes manifests from files, directories and standard input.
package enum ManifestLoader {
    /// Loads every manifest under `paths`.
    ///
    /// ```swift
    /// let result = try ManifestLoader.load(["examples/shop"])
    /// print(result.cluster.endpoints.map(\.id))
    /// ```
    /// - Parameters:
    ///   - paths: files (any extension), directories (searched for `.yaml`, `.yml`, `.json`), or `-`.
    ///   - options: `keepGoing` and limits.
    ///   - standardInput: what `-` reads; the process's standard input by default.
    /// - Throws: `Diagnostic` for the first problem that stops the load.
    package static func load(
        _ paths: [String],
        options: LoadOptions = LoadOptions(),
        standardInput: () -> [UInt8] = readStandardInput
    ) throws(Diagnostic) -> LoadResult {
        var state = LoadState(options: options)
        let expansion = try InputFiles.expand(paths)
        state.warnings += expansion.skipped
        var inputs: [InputFileIdentity] = []
        for file in expansion.files {
            do throws(Diagnostic) {
                let (bytes, identity) = try InputFiles.read(
                    file,
                    limit: options.limits.maxBytes,
                    standardInput: standardInput
                )
                if let identity { inputs.append(InputFileIdentity(name: file.name, identity: identity)) }
                try state.add(bytes: bytes, file: file.name, namespace: file.namespace)
            } catch {
                guard options.keepGoing else { throw error }
                state.warnings.append(
                    Diagnostic.warning("skipped file: \(error.message)", at: error.location, group: "files skipped")
                )
            }
        }
        var result = try state.finish(paths: paths)
        result.inputs = inputs
        return result
    }

    /// Loads manifests held in memory, as if read from a file called `name`.
    package static func load(bytes: [UInt8], name: String, options: LoadOptions = LoadOptions()) throws(Diagnostic)
        -> LoadResult
    {
        var state = LoadState(options: options)
        try state.add(bytes: bytes, file: name)
        return try state.finish(paths: [name])
    }

    /// Reads all of standard input.
    package static func readStandardInput() -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
}

private struct LoadState {
    let options: LoadOptions
    var warnings: [Diagnostic] = []
    var objects = DecodedObjects()
    var notKubernetes: [SourceLocation] = []

    init(options: LoadOptions) {
        self.options = options
    }

    /// What one document chunk gave: its objects, or the error that stopped it.
    private struct ChunkResult {
        /// The Pod the scanner read (most documents of a large cluster): no `DecodedObjects` to make and merge.
        var pod: PodOrWorkload?
        var decoded: [DecodedObjects] = []
        var notKubernetes: [SourceLocation] = []
        var error: Diagnostic?
    }

    private static func parse(_ chunk: DocumentChunk, file: String, options: LoadOptions) -> ChunkResult {
        if let list = ListCut.decode(chunk.bytes, origin: chunk.origin, file: file, options: options) {
            return ChunkResult(decoded: [list])
        }
        let limits = options.limits
        var result = ChunkResult()
        // A plain Pod is read from the parser's events; anything else, and anything that would give a message,
        // through the tree below.
        if options.scanPods,
            let pod = PodScanner.pod(
                in: chunk.bytes,
                origin: chunk.origin,
                file: file,
                limits: limits,
                defaultNamespace: options.defaultNamespace,
                forcedNamespace: options.forcedNamespace
            )
        {
            result.pod = pod
            return result
        }
        let decoder = ObjectDecoder(
            file: file,
            keepGoing: options.keepGoing,
            defaultNamespace: options.defaultNamespace,
            forcedNamespace: options.forcedNamespace
        )
        // The items of a List (kubectl's one document for a whole cluster) are decoded as the parser reads them and
        // never held as a tree; an item that needs the List's own kind (a typed list's items may omit theirs) waits
        // for the end of its document. They count only if the document turns out to be a List.
        var streamed: [Int: [StreamedItem]] = [:]
        do throws(Diagnostic) {
            let documents: [YAMLDocument]
            // Items are decoded in batches on another core while the parser reads on (a pipeline is made at the
            // first item: most documents are not Lists).
            var pipeline: ItemPipeline?
            do {
                documents = try YAMLParser.documents(in: chunk.bytes, limits: limits, origin: chunk.origin) {
                    item,
                    document,
                    index in
                    if pipeline == nil {
                        pipeline = ItemPipeline {
                            ObjectDecoder(
                                file: file,
                                keepGoing: options.keepGoing,
                                defaultNamespace: options.defaultNamespace,
                                forcedNamespace: options.forcedNamespace
                            )
                        }
                    }
                    pipeline?.add(item, document: document, index: index)
                }
            } catch {
                throw .yaml(error, file: file)
            }
            for batch in pipeline?.finish() ?? [] {
                for (document, item) in batch { Self.append(item, to: &streamed[document, default: []]) }
            }
            for (d, document) in documents.enumerated() {
                guard let root = document.root, !root.isNull else { continue }
                var decoded = DecodedObjects()
                defer { decoder.reader.sink.warnings.removeAll() }
                try decoder.decode(root, into: &decoded)
                if let items = streamed.removeValue(forKey: d), let list = decoder.listKind(root) {
                    for item in items {
                        switch item {
                        case .decoded(let objects):
                            decoded.merge(objects)
                            decoded.warnings += objects.warnings
                        case .failed(let error): throw error
                        case .waiting(let node, let index):
                            try decoder.decodeListItem(
                                node,
                                index: index,
                                listKind: list.itemKind,
                                apiVersion: list.apiVersion,
                                into: &decoded
                            )
                        }
                    }
                }
                decoded.warnings = decoder.reader.sink.warnings + decoded.warnings
                if decoded.notKubernetes {
                    result.notKubernetes.append(decoder.reader.location(root))
                }
                result.decoded.append(decoded)
            }
        } catch {
            result.error = error
        }
        return result
    }

    /// Decodes the items of a List as the parser hands them over, in batches run on the other cores, and gives
    /// the results back in item order. Nobody waits for a batch nobody has started: when too many are queued, and
    /// at the end, the parsing thread decodes the next one itself, so a busy or single-core machine holds a bounded
    /// number of item trees and cannot deadlock.
    private final class ItemPipeline: @unchecked Sendable {
        private let condition = NSCondition()
        private var batches: [[(item: YAMLNode, document: Int, index: Int)]] = []
        private var results: [[(document: Int, item: StreamedItem)]] = []
        /// The first batch no thread has taken.
        private var next = 0
        /// Batches being decoded.
        private var running = 0
        /// Items read since the last batch (the parsing thread's own).
        private var pending: [(item: YAMLNode, document: Int, index: Int)] = []
        private let makeDecoder: @Sendable () -> ObjectDecoder

        static let batchSize = 256
        /// Batches queued but not started before the parsing thread decodes one itself.
        static let queued = 4

        init(_ makeDecoder: @escaping @Sendable () -> ObjectDecoder) {
            self.makeDecoder = makeDecoder
        }

        func add(_ item: YAMLNode, document: Int, index: Int) {
            pending.append((item, document, index))
            if pending.count >= Self.batchSize { submit() }
        }

        private func submit() {
            guard !pending.isEmpty else { return }
            condition.lock()
            batches.append(pending)
            results.append([])
            let waiting = batches.count - next
            condition.unlock()
            pending = []
            if waiting > Self.queued {
                _ = decodeNext()
            } else {
                DispatchQueue.global().async { _ = self.decodeNext() }
            }
        }

        /// Decodes the first batch nobody has taken; false when there is none.
        private func decodeNext() -> Bool {
            condition.lock()
            guard next < batches.count else {
                condition.unlock()
                return false
            }
            let at = next
            let batch = batches[at]
            batches[at] = []
            next += 1
            running += 1
            condition.unlock()
            let decoder = makeDecoder()
            let decoded = batch.map { ($0.document, decoder.decodeEarly($0.item, index: $0.index)) }
            condition.lock()
            results[at] = decoded
            running -= 1
            condition.broadcast()
            condition.unlock()
            return true
        }

        /// Every item's result, by batch in item order, once all are decoded.
        func finish() -> [[(document: Int, item: StreamedItem)]] {
            submit()
            while decodeNext() {}
            condition.lock()
            while running > 0 { condition.wait() }
            let out = results
            condition.unlock()
            return out
        }
    }

    /// Appends a List item as read; consecutive decoded items are kept as one (a List of 150,000 pods would
    /// otherwise hold as many small arrays).
    private static func append(_ item: StreamedItem, to items: inout [StreamedItem]) {
        guard case .decoded(let objects) = item, case .decoded(var merged)? = items.last else {
            items.append(item)
            return
        }
        items.removeLast()
        merged.merge(objects)
        merged.warnings += objects.warnings
        items.append(.decoded(merged))
    }

    /// Parses the documents of a file on every core (each document is independent), then takes the results in
    /// file order, so warnings, errors and objects come out as a one-by-one reading gives them.
    mutating func add(bytes: [UInt8], file: String, namespace: String? = nil) throws(Diagnostic) {
        let chunks = DocumentChunk.split(bytes)
        var fileOptions = options
        fileOptions.forcedNamespace = namespace
        let options = fileOptions
        var results = Parallel.map(chunks.count) { i in Self.parse(chunks[i], file: file, options: options) }
        // A template (Helm, or any Go template) fails as YAML or as an object: say what the file is, once, and
        // read none of it.
        if let error = results.lazy.compactMap(\.error).first, let template = Self.template(bytes, file: file, error) {
            guard options.keepGoing else { throw template }
            warnings.append(
                Diagnostic.warning(
                    "skipped file: \(template.message)",
                    at: template.location,
                    group: "templates skipped"
                )
            )
            return
        }
        // Room for the scanned pods at once: grown by doubling, the array of 150,000 pods was copied and faulted in
        // again and again on one core.
        objects.endpoints.reserveCapacity(objects.endpoints.count + results.count { $0.pod != nil })
        for i in results.indices {
            let chunk = chunks[i]
            if chunk.gluedSeparator {
                warnings.append(
                    Diagnostic.warning(
                        "'---' is followed by text on the same line; read as a document separator, as kubectl does (put a line break after '---')",
                        at: SourceLocation(file: file, line: chunk.origin.line, column: 1),
                        group: "'---' followed by text"
                    )
                )
            }
            // Each scanned Pod is moved out, not copied (150,000 of them).
            if let pod = results[i].pod.take() {
                objects.endpoints.append(pod)
                continue
            }
            let result = results[i]
            // Documents before an error in the same chunk count, as they do when read one by one.
            notKubernetes += result.notKubernetes
            for decoded in result.decoded { merge(decoded) }
            if let error = result.error {
                guard options.keepGoing else { throw error }
                warnings.append(
                    Diagnostic.warning(
                        "skipped document: \(error.message)",
                        at: error.location,
                        group: "documents skipped"
                    )
                )
            }
        }
    }

    /// The error for a file that holds Go template syntax where it failed (or on a line of its own), or nil when
    /// the failure has another cause: a manifest may hold `{{` in a string (alerting rules do).
    static func template(_ bytes: [UInt8], file: String, _ error: Diagnostic) -> Diagnostic? {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func hasBraces(_ line: ArraySlice<UInt8>) -> Bool {
            zip(line, line.dropFirst()).contains { $0 == UInt8(ascii: "{") && $1 == UInt8(ascii: "{") }
        }
        let errorLine = error.location.map { $0.line - 1 }.flatMap { lines.indices.contains($0) ? lines[$0] : nil }
        let ownLine = lines.contains { line in
            let text = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            return text.starts(with: Array("{{".utf8))
        }
        guard errorLine.map(hasBraces) == true || ownLine,
            let first = lines.firstIndex(where: hasBraces)
        else { return nil }
        let column =
            lines[first].indices.first { lines[first][$0] == UInt8(ascii: "{") }.map {
                String(decoding: lines[first][lines[first].startIndex..<$0], as: UTF8.self).unicodeScalars.count + 1
            } ?? 1
        return Diagnostic(
            "'\(file)' is a template, not a manifest: it holds Go template syntax ('{{ … }}'), as Helm charts do",
            at: SourceLocation(file: file, line: first + 1, column: column),
            hint: "render it first and read the result, e.g. helm template RELEASE CHART | netreach list -",
            notes: [.note("reading it as YAML stopped here: \(error.message)", at: error.location)]
        )
    }

    private mutating func merge(_ decoded: DecodedObjects) {
        objects.merge(decoded)
        warnings += decoded.warnings
    }

    mutating func finish(paths: [String]) throws(Diagnostic) -> LoadResult {
        if objects.namespaces.isEmpty && objects.endpoints.isEmpty && objects.policies.isEmpty
            && objects.adminPolicies.isEmpty
        {
            throw nothingToAnalyze(paths: paths)
        }
        let namespaces = lastDefinitions(objects.namespaces, id: \.name, what: "namespace")
        let endpoints = mergeEndpoints()
        let policies = lastDefinitions(objects.policies, id: \.id, what: "NetworkPolicy")
        let services = lastDefinitions(objects.services, id: \.id, what: "Service")
        let waysIn = lastDefinitions(objects.waysIn, id: { "\($0.kind.rawValue) \($0.id)" }, what: "Ingress or Route")
        let cluster = Cluster(
            namespaces: namespaces,
            endpoints: endpoints,
            endpointsInIDOrder: true,
            policies: policies,
            services: services,
            waysIn: waysIn,
            referenceGrants: lastDefinitions(objects.referenceGrants, id: \.id, what: "ReferenceGrant"),
            gateways: lastDefinitions(objects.gateways, id: \.id, what: "Gateway"),
            adminPolicies: try adminPolicies(namespaces: namespaces, endpoints: endpoints),
            nodes: lastDefinitions(objects.nodes, id: \.name, what: "Node")
        )
        warnings += summaryWarnings(cluster)
        return LoadResult(cluster: cluster, warnings: warnings)
    }

    /// The error when the input holds nothing netreach reads, after the warnings that explain why.
    private func nothingToAnalyze(paths: [String]) -> Diagnostic {
        let first = paths.first ?? "-"
        var error = Diagnostic(
            "no Kubernetes objects to analyze in \(paths.map { "'\($0)'" }.joined(separator: ", "))",
            at: notKubernetes.first ?? SourceLocation(file: first, line: 1, column: 1),
            hint:
                "netreach reads Namespaces, Pods, workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController) and NetworkPolicies"
        )
        error.earlier = warnings
        let templates = warnings.filter { $0.group == "templates skipped" || $0.group == "Helm charts skipped" }
        if !templates.isEmpty, templates.count == warnings.filter({ $0.message.hasPrefix("skipped ") }).count {
            error.hint =
                "what was skipped are templates (see the warnings above): render them first and read the result, e.g. helm template RELEASE CHART | netreach list -"
        } else if warnings.contains(where: { $0.message.hasPrefix("skipped ") }) {
            error.hint =
                "every object was skipped (see the warnings above); fix them, or point netreach at other manifests"
        }
        return error
    }

    /// One object per id, the last definition winning, with a warning for each one defined again.
    private mutating func lastDefinitions<Object: Located>(
        _ objects: [Object],
        id: (Object) -> String,
        what: String
    ) -> [Object] {
        var byID: [String: Object] = [:]
        for object in objects {
            let key = id(object)
            if let earlier = byID[key], let location = object.location {
                warnings.append(
                    Diagnostic.warning(
                        "\(what) '\(key)' is defined again (first at \(earlier.location.map(\.description) ?? "?")); the later definition is used",
                        at: location,
                        group: "objects defined again"
                    )
                )
            }
            byID[key] = object
        }
        return Array(byID.values)
    }

    /// The admin policies, validated across objects: one v1alpha1 BaselineAdminNetworkPolicy at most, and no two
    /// policies of one tier at the same priority whose subjects overlap (the specification leaves their order
    /// undefined; netpol-analyzer rejects it too). `--allow-same-priority` makes the latter a warning, and
    /// `--keep-going` skips the later policy of the pair.
    private mutating func adminPolicies(namespaces: [Namespace], endpoints: [Endpoint]) throws(Diagnostic)
        -> [AdminPolicy]
    {
        let baselines = objects.adminPolicies.filter { $0.kind == .baselineAdminNetworkPolicy }
        if baselines.count > 1 {
            let second = baselines[1]
            var error = Diagnostic(
                "a second BaselineAdminNetworkPolicy",
                at: second.location,
                hint: "the BaselineAdminNetworkPolicy is a singleton named 'default': merge the two into one",
                notes: [.note("the first one is defined here", at: baselines[0].location)]
            )
            guard options.keepGoing else { throw error }
            error = .warning("skipped object: " + error.message, at: second.location, group: "objects skipped")
            warnings.append(error)
            objects.adminPolicies.removeAll {
                $0.kind == .baselineAdminNetworkPolicy && $0.location != baselines[0].location
            }
        }
        var policies = lastDefinitions(
            objects.adminPolicies,
            id: { "\($0.kind.rawValue) \($0.name)" },
            what: "admin policy"
        )
        .sorted(by: AdminPolicy.evaluationOrder)
        guard !policies.isEmpty else { return [] }
        var labels: [String: [String: String]] = [:]
        for namespace in namespaces { labels[namespace.name] = namespace.labels }
        let pods = endpoints.filter { !$0.hostNetwork }.map {
            (namespace: labels[$0.namespace] ?? [Namespace.nameLabel: $0.namespace], pod: $0.labels)
        }
        func overlap(_ a: AdminPolicy, _ b: AdminPolicy) -> Bool {
            a.subject == b.subject
                || pods.contains {
                    a.subject.matches(namespaceLabels: $0.namespace, podLabels: $0.pod)
                        && b.subject.matches(namespaceLabels: $0.namespace, podLabels: $0.pod)
                }
        }
        var skipped = Set<Int>()
        for i in policies.indices where !skipped.contains(i) {
            for j in policies.indices.dropFirst(i + 1) where !skipped.contains(j) {
                let (a, b) = (policies[i], policies[j])
                guard a.tier == b.tier, a.priority == b.priority else { break }
                // The v1alpha1 baseline has no priority (it is one object).
                let banp = AdminPolicyKind.baselineAdminNetworkPolicy
                guard a.kind != banp, b.kind != banp, overlap(a, b) else { continue }
                let message =
                    "\(b.kind.rawValue) '\(b.name)' and \(a.kind.rawValue) '\(a.name)' have the same priority \(a.priority) in the \(a.tier.rawValue.lowercased()) tier and select some of the same pods: the specification leaves their order undefined"
                if options.allowSamePriority {
                    warnings.append(
                        Diagnostic.warning(
                            message + "; netreach evaluates them in name order (--allow-same-priority)",
                            at: b.location,
                            group: "admin policies at the same priority"
                        )
                    )
                } else if options.keepGoing {
                    skipped.insert(j)
                    warnings.append(
                        Diagnostic.warning(
                            "skipped object: " + message,
                            at: b.location,
                            group: "objects skipped"
                        )
                    )
                } else {
                    throw Diagnostic(
                        message,
                        at: b.location,
                        hint:
                            "give one of them another priority, or pass --allow-same-priority to evaluate them in name order",
                        notes: [.note("'\(a.name)' is defined here", at: a.location)]
                    )
                }
            }
        }
        policies = policies.enumerated().filter { !skipped.contains($0.offset) }.map(\.element)
        return policies
    }

    /// The warnings about the input as a whole: namespaces assumed, kinds and documents skipped.
    private func summaryWarnings(_ cluster: Cluster) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let implicit = cluster.namespaces.filter(\.isImplicit).map(\.name)
        if !implicit.isEmpty {
            out.append(
                Diagnostic.warning(
                    "\(implicit.count == 1 ? "namespace" : "namespaces") \(implicit.map { "'\($0)'" }.joined(separator: ", ")) not defined in the input; assumed to exist with only the label \(Namespace.nameLabel)"
                )
            )
        }
        if !objects.skippedKinds.isEmpty {
            let total = objects.skippedKinds.values.reduce(0, +)
            let list = objects.skippedKinds.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
                "\($0.key) (\($0.value))"
            }
            out.append(
                Diagnostic.warning(
                    "skipped \(total) \(total == 1 ? "object" : "objects") of unsupported kinds: \(list.joined(separator: ", "))"
                )
            )
        }
        if !notKubernetes.isEmpty {
            let count = notKubernetes.count
            out.append(
                Diagnostic.warning(
                    "skipped \(count) \(count == 1 ? "document that is" : "documents that are") not Kubernetes objects (no kind/apiVersion), first at \(notKubernetes[0])"
                )
            )
        }
        return out
    }

    /// Pods of one owner become one endpoint. When the owner itself is in the input, its pod template's labels
    /// stand for the pods; otherwise the first pod's labels do.
    /// The endpoint of one owner and the pods merged into it.
    private struct Merged {
        var endpoint: Endpoint
        var pods: [String] = []
        var hasOwnerObject = false
        /// The ports and addresses of every pod merged in, made the endpoint's (sorted) once all are read: sorting
        /// the union at every pod was quadratic in the pods of one owner.
        var union: (ports: Set<ContainerPort>, addresses: Set<IPAddress>, nodeAddresses: Set<IPAddress>)?

        /// The endpoint with the merged ports and addresses.
        var merged: Endpoint {
            guard let union else { return endpoint }
            var endpoint = endpoint
            endpoint.ports = union.ports.sorted()
            endpoint.addresses = union.addresses.sorted()
            endpoint.nodeAddresses = union.nodeAddresses.sorted()
            return endpoint
        }
    }

    /// One endpoint per id, in id order: the pods of one owner merged into it, in the order they were read.
    private mutating func mergeEndpoints() -> [Endpoint] {
        let completed = objects.endpoints.filter(\.completed).count
        if completed > 0 {
            warnings.append(
                .warning(
                    options.skipCompleted
                        ? "left out \(completed) completed \(completed == 1 ? "pod" : "pods") (status.phase Succeeded or Failed; --skip-completed)"
                        : "\(completed) completed \(completed == 1 ? "pod is" : "pods are") kept (status.phase Succeeded or Failed), as the peers keep them; --skip-completed leaves them out"
                )
            )
        }
        // The pods are moved out of the state: once merged, nothing holds them but `items`.
        var taken: [PodOrWorkload] = []
        swap(&taken, &objects.endpoints)
        if options.skipCompleted { taken.removeAll { $0.completed } }
        var items = consume taken
        let (merged, found) = Self.merge(items)
        // The warnings of each pod merged, put back in reading order.
        warnings += found.flatMap { $0 }.sorted { $0.item < $1.item }.map(\.warning)
        Self.release(&items)
        return merged
    }

    /// Frees the pods on every core: each is replaced where it is by an empty one, which holds no storage, so the
    /// array's own release costs nothing (freeing 150,000 pods one by one took a quarter of a second on one core,
    /// the other idle).
    private static func release(_ items: inout [PodOrWorkload]) {
        items.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            _ = Parallel.chunks(buffer.count) { range in
                for i in range {
                    buffer[i] = PodOrWorkload(endpoint: Endpoint(namespace: "", name: "", kind: ""))
                }
            }
        }
    }

    /// The endpoints of `items` merged by owner, in `Cluster` order, and each run's warnings with the pods that gave
    /// them.
    private static func merge(_ items: [PodOrWorkload]) -> ([Endpoint], [[(item: Int, warning: Diagnostic)]]) {
        // Sorting by id, ties in reading order, puts each owner's pods together in the order they were read, and
        // the endpoints in the order `Cluster` keeps them: one sort on every core (150,000 pods) instead of a table
        // of ids and then a sort.
        let ids = Parallel.map(items.count) { items[$0].endpoint.id }
        let order = Parallel.sortedIndices(items.count) { a, b in ids[a] == ids[b] ? a < b : ids[a] < ids[b] }
        // The runs of one id, found in one pass; each merged on every core (150,000 pods of 15,000 owners: copying
        // each pod and comparing its labels with its first pod's was a third of a second on one core).
        let starts = order.indices.filter { $0 == 0 || ids[order[$0]] != ids[order[$0 - 1]] } + [order.count]
        // Each run's warnings go to its own slot, so the endpoints need no second array to be copied out of.
        var found = [[(item: Int, warning: Diagnostic)]](repeating: [], count: starts.count - 1)
        let merged = found.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            return Parallel.map(starts.count - 1) { r -> Endpoint in
                let at = starts[r]
                let end = starts[r + 1]
                let first = order[at]
                guard end > at + 1 else { return items[first].endpoint }
                var run = Merged(
                    endpoint: items[first].endpoint,
                    pods: items[first].podName.map { [$0] } ?? [],
                    hasOwnerObject: items[first].podName == nil
                )
                for i in order[(at + 1)..<end] {
                    if let warning = Self.add(items[i], to: &run, id: ids[first]) { slots[r].append((i, warning)) }
                }
                return run.merged
            }
        }
        return (merged, found)
    }

    /// Adds a pod (or its owner object) to the endpoint of its owner already read.
    /// Returns the warning it gives, if any.
    private static func add(_ item: PodOrWorkload, to existing: inout Merged, id: String) -> Diagnostic? {
        var warning: Diagnostic?
        if let podName = item.podName {
            if !existing.hasOwnerObject, item.endpoint.labels != existing.endpoint.labels {
                warning = Diagnostic.warning(
                    "pod '\(podName)' has other labels than pod '\(existing.pods[0])' of the same owner \(id); netreach uses the labels of '\(existing.pods[0])' for all of them",
                    at: item.endpoint.location,
                    group: "pods of one owner with other labels"
                )
            }
            existing.pods.append(podName)
        } else if !existing.hasOwnerObject {
            // The owner object arrives after some of its pods: its template labels and location win.
            existing.hasOwnerObject = true
            existing.endpoint.labels = item.endpoint.labels
            existing.endpoint.location = item.endpoint.location
            existing.endpoint.annotations = item.endpoint.annotations
        } else {
            return Diagnostic.warning(
                "\(id) is defined again (first at \(existing.endpoint.location.map(\.description) ?? "?")); the first definition is used",
                at: item.endpoint.location,
                group: "objects defined again"
            )
        }
        existing.endpoint.hostNetwork = existing.endpoint.hostNetwork || item.endpoint.hostNetwork
        if existing.union == nil {
            existing.union = (
                Set(existing.endpoint.ports), Set(existing.endpoint.addresses), Set(existing.endpoint.nodeAddresses)
            )
        }
        existing.union?.ports.formUnion(item.endpoint.ports)
        existing.union?.addresses.formUnion(item.endpoint.addresses)
        existing.union?.nodeAddresses.formUnion(item.endpoint.nodeAddresses)
        return warning
    }

}

/// An object read from a manifest, with where it is written.
protocol Located {
    var location: SourceLocation? { get }
}

extension Namespace: Located {}
extension NetworkPolicy: Located {}
extension Service: Located {}
extension WayIn: Located {}
extension ReferenceGrant: Located {}
extension Gateway: Located {}
extension AdminPolicy: Located {}
extension Node: Located {}

/// A List item as read: decoded, failed, or waiting for the List's kind.
enum StreamedItem {
    case decoded(DecodedObjects)
    case failed(Diagnostic)
    case waiting(YAMLNode, index: Int)
}

extension ObjectDecoder {
    /// Decodes a List item as soon as it is read, when it names its own kind and apiVersion.
    func decodeEarly(_ item: YAMLNode, index: Int) -> StreamedItem {
        guard decodesAlone(item) else { return .waiting(item, index: index) }
        var objects = DecodedObjects()
        do throws(Diagnostic) {
            try decodeListItem(item, index: index, listKind: nil, apiVersion: "", into: &objects)
        } catch {
            reader.sink.warnings.removeAll()
            return .failed(error)
        }
        objects.warnings = reader.sink.warnings + objects.warnings
        reader.sink.warnings.removeAll()
        return .decoded(objects)
    }
}
