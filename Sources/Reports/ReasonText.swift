import KubeModel
package import Reachability

// The one place the engine's structured reasons become English: txt, json, SARIF, JUnit, GitHub and md all
// print these, so every format says the same thing. The texts are not escaped here; writers escape them.

extension PolicyReference {
    /// `NetworkPolicy ns/name`.
    package var text: String { "\(kind.rawValue) \(id)" }
}

extension Reason {
    /// One line on what the policy or endpoint does to the flows.
    package var text: String {
        switch self {
        case .admits(let policy, let rules, let source, let destination, let direction):
            let word = direction.rawValue.lowercased()
            let which =
                rules.isEmpty
                ? ""
                : ", \(word) \(rules.count == 1 ? "rule" : "rules") \(rules.map(String.init).joined(separator: ", "))"
            return direction == .ingress
                ? "\(policy.text)\(which) admits \(source) into \(destination) (ingress)"
                : "\(policy.text)\(which) lets \(source) reach \(destination) (egress)"
        case .adminRules(let policy, let rules, let verdict, let source, let destination, let direction):
            let word = direction.rawValue.lowercased()
            let which =
                "\(word) \(rules.count == 1 ? "rule" : "rules") \(rules.map(String.init).joined(separator: ", "))"
            let does =
                switch verdict {
                case .allow: "admits"
                case .deny: "denies"
                case .pass: "passes to the next tier"
                }
            return "\(policy.text), \(which) \(does) \(source) to \(destination) (\(word))"
        case .isolatesWithoutRule(let policy, let endpoint, let peer, let direction, let connections):
            let ports = connections.allowsAll ? "" : " on \(connections)"
            return direction == .ingress
                ? "\(policy.text) isolates \(endpoint) for ingress and no rule admits \(peer)\(ports)"
                : "\(policy.text) isolates \(endpoint) for egress and no rule lets it reach \(peer)\(ports)"
        case .notSelected(let endpoint, let directions):
            let words = directions.map { $0.rawValue.lowercased() }.joined(separator: " or ")
            return "\(endpoint) is not selected by any NetworkPolicy for \(words)"
        case .ungoverned(let endpoint, let settings):
            return "\(endpoint) uses the host network, which no NetworkPolicy governs (\(settings))"
        case .notDefaultDeny(let policy, let selectsEveryPod):
            return selectsEveryPod
                ? "\(policy.text) selects every pod but has rules" : "\(policy.text) selects only some pods"
        }
    }
}

extension CheckInvolvement {
    /// The text of the reason.
    package var text: String { reason.text }
}

extension CheckResult {
    /// The involvements in display order: by location (located first), then by text.
    package var displayedInvolvements: [CheckInvolvement] { displayed.map(\.involvement) }

    /// The involvements in display order, each with its text (made once: a rule can involve thousands).
    var displayed: [(involvement: CheckInvolvement, text: String)] {
        involved.map { ($0, $0.text) }.sorted { lhs, rhs in
            switch (lhs.0.location, rhs.0.location) {
            case let (l?, r?) where l != r: return l < r
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.1 < rhs.1
            }
        }
    }
}

extension CheckExample {
    /// `src => dst : TCP 80  (default-allow: egress)`, `src => dst : missing TCP 80`, `ns/x[Pod] is not isolated …`.
    package var text: String {
        switch self {
        case .flow(let source, let destination, let connections, let defaultAllow):
            let hops = [Direction.egress, .ingress].filter(defaultAllow.contains).map { $0.rawValue.lowercased() }
            return "\(source) => \(destination) : \(connections)"
                + (hops.isEmpty ? "" : "  (default-allow: \(hops.joined(separator: "+")))")
        case .missing(let source, let destination, let connections):
            return "\(source) => \(destination) : " + (connections.map { "missing \($0)" } ?? "no connection")
        case .notIsolated(let endpoint, let direction):
            return "\(endpoint) is not isolated for \(direction.rawValue.lowercased())"
        }
    }
}

extension Evidence {
    /// `src => dst : TCP 80`, `… and 3 more`, `selected by NetworkPolicy ns/name`, or an endpoint's name.
    package var text: String {
        switch self {
        case .endpoint(let name): return name
        case .flow(let source, let destination, let connections): return "\(source) => \(destination) : \(connections)"
        case .more(let count): return "… and \(count) more"
        case .selectedBy(let policy): return "selected by \(policy.text)"
        case .coveredBy(let policy): return "covered by \(policy.text)"
        case .rule(let policy, let field, let does): return "\(field) of \(policy.text) \(does)"
        }
    }
}
