package import KubeModel
import Parallel

/// Evaluates the rules of `netreach check` on a compiled model.
///
/// Rules are evaluated on the class-level model, so a rule costs (source classes × destination classes), not
/// (pods × pods), and only the class pairs a rule asks about are evaluated. Each rule kind is one type in this
/// folder (`DenyCheck`, `AllowCheck`, `IsolatedCheck`, `DefaultDenyCheck`, `NoDefaultAllowCheck`).
package enum Checker {
    /// Evaluates every rule of `rules` against `model`.
    ///
    /// ```swift
    /// let report = try Checker.check(try RulesLoader.load("rules.yaml"), against: PolicyEngine(cluster: c).compile())
    /// print(report.summary)
    /// ```
    /// - Throws: `Diagnostic` for a rule whose peers match nothing (unless `options.allowEmpty`).
    package static func check(_ rules: RuleFile, against model: ClassModel, options: CheckOptions = CheckOptions())
        throws(Diagnostic) -> CheckReport
    {
        // Rules are independent: evaluate them in chunks on every core, each chunk with its own copy of the
        // context (and cache), then take the verdicts, warnings and the first error in file order.
        let base = CheckContext(model: model, options: options)
        let outcomes = Parallel.chunks(rules.rules.count, maxChunks: 16) { range in
            var context = base
            return range.map { i -> (Result<CheckResult, Diagnostic>, [Diagnostic]) in
                context.warnings = []
                do throws(Diagnostic) {
                    return (.success(try context.evaluate(rules.rules[i])), context.warnings)
                } catch {
                    return (.failure(error), context.warnings)
                }
            }
        }.flatMap { $0 }
        var results: [CheckResult] = []
        var warnings: [Diagnostic] = []
        for (verdict, ruleWarnings) in outcomes {
            warnings += ruleWarnings
            results.append(try verdict.get())
        }
        return CheckReport(file: rules.path, results: results, warnings: warnings, settings: model.settings)
    }
}

/// What every rule kind reads: the model, the options, lookups by namespace and name, and a cache of class pairs.
struct CheckContext {
    let model: ClassModel
    let options: CheckOptions
    var warnings: [Diagnostic] = []
    let namespaceLabels: [String: [String: String]]
    private var pairCache: [Int: (ConnectionSet, Set<Direction>)] = [:]
    /// Endpoints of each namespace, in name order.
    let endpointsByNamespace: [String: [Int]]
    /// Each endpoint's `ns/name[Kind]`.
    let names: [String]

    var cluster: Cluster { model.cluster }
    var universe: IPSet { model.universe }

    init(model: ClassModel, options: CheckOptions) {
        self.model = model
        self.options = options
        var labels: [String: [String: String]] = [:]
        for namespace in model.cluster.namespaces { labels[namespace.name] = namespace.labels }
        namespaceLabels = labels
        let endpoints = model.cluster.endpoints
        names = endpoints.map(\.id)
        endpointsByNamespace = model.cluster.endpointIndicesByNamespace()
    }

    mutating func evaluate(_ rule: CheckRule) throws(Diagnostic) -> CheckResult {
        switch rule.assertion {
        case .deny(let reach): return try DenyCheck.evaluate(rule, reach, in: &self)
        case .allow(let reach): return try AllowCheck.evaluate(rule, reach, in: &self)
        case .isolated(let peer, let directions, let exceptions):
            return try IsolatedCheck.evaluate(rule, peer, directions, exceptions, in: &self)
        case .defaultDeny(let namespace, let directions):
            return try DefaultDenyCheck.evaluate(rule, namespace, directions, in: &self)
        case .noDefaultAllow(let namespace): return try NoDefaultAllowCheck.evaluate(rule, namespace, in: &self)
        }
    }

    /// What class `s` may send to class `d`, and the hops left open, evaluated once per pair.
    mutating func classFlow(_ s: ClassID, _ d: ClassID) -> (ConnectionSet, Set<Direction>) {
        let key = s.index * model.classes.count + d.index
        if let cached = pairCache[key] { return cached }
        let answer = model.classFlow(from: s, to: d)
        pairCache[key] = answer
        return answer
    }

    /// Endpoint `e`'s `ns/name[Kind]`.
    func name(_ e: Int) -> String { names[e] }

    // MARK: - Results

    func pass(_ rule: CheckRule, _ message: String) -> CheckResult {
        CheckResult(rule: rule, passed: true, message: message, examples: [], violations: 0, involved: [])
    }

    func vacuous(_ rule: CheckRule) -> CheckResult {
        pass(rule, "matches nothing in the manifests (--allow-empty)")
    }

    /// A failure whose examples are the flows found.
    func failure(_ rule: CheckRule, _ message: String, _ violations: Violations, involved: [CheckInvolvement])
        -> CheckResult
    {
        CheckResult(
            rule: rule,
            passed: false,
            message: message,
            examples: violations.candidates.map {
                .flow(
                    source: $0.source,
                    destination: $0.destination,
                    connections: $0.connections,
                    defaultAllow: $0.open
                )
            },
            violations: violations.count,
            involved: involved
        )
    }
}
