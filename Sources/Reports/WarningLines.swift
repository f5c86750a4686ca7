package import KubeModel

/// How warnings are printed: each on its own, except that more than `limit` of one group (`Diagnostic.group`)
/// become one line with the count and the first places, so a repository with hundreds of similar objects does not
/// bury the answer. `verbose` prints every one.
package enum WarningLines {
    /// The lines to print, in the order the warnings arose (a group where its first warning was).
    ///
    /// ```
    /// warning: objects defined again (12), first at a.yaml:3:1, a.yaml:9:1, b.yaml:2:1 and 9 more; -v shows each
    /// ```
    package static func lines(_ warnings: [Diagnostic], verbose: Bool, limit: Int = 3) -> [String] {
        guard !verbose else { return warnings.map(\.description) }
        var counts: [String: Int] = [:]
        for warning in warnings { if let group = warning.group { counts[group, default: 0] += 1 } }
        var done = Set<String>()
        var lines: [String] = []
        for warning in warnings {
            guard let group = warning.group, let count = counts[group], count > limit else {
                lines.append(warning.description)
                continue
            }
            guard done.insert(group).inserted else { continue }
            let members = warnings.filter { $0.group == group }
            let places = members.compactMap(\.location).prefix(limit).map(\.description)
            var line = "warning: \(group) (\(count))"
            if !places.isEmpty {
                line += ", first at \(places.joined(separator: ", "))"
                if count > places.count { line += " and \(count - places.count) more" }
            }
            lines.append(line + "; -v shows each")
        }
        return lines
    }
}
