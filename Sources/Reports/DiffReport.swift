import KubeModel
import Parallel
package import Reachability

/// Writes a reachability diff: txt for a reviewer, json for tools (the diff oracle's shape), csv, md for a
/// pull-request comment. Every format names the network-plugin settings and ends with (or holds) the summary.
package enum DiffReport {
    /// The most bytes md writes: a GitHub pull-request comment holds at most 65,536 characters; the rows that
    /// would pass this are left out and counted.
    package static let markdownBudget = 60_000

    package static func write(
        _ diff: ReachabilityDiff,
        settings: EngineSettings,
        format: ReportFormat,
        to out: inout some TextOutputStream
    ) {
        switch format.kind {
        case .json:
            let changes = JSONValue.objects(count: diff.changes.count) { json(diff.changes[$0]) }
            JSONValue.object([
                ("networkPlugin", PluginText.json(settings)),
                ("summary", .string(diff.summary)),
                ("addedWorkloads", .array(diff.addedWorkloads.map(JSONValue.string))),
                ("removedWorkloads", .array(diff.removedWorkloads.map(JSONValue.string))),
                ("changes", changes),
            ]).write(to: &out)
        case .txt:
            out.write(PluginText.header(settings) + "\n")
            // Made in chunks on every core, 16,384 lines at a time (a diff of 10,000 pods can list 100,000 changes,
            // one of 150,000 pods millions: their text is not held all at once).
            let changes = diff.changes
            var start = 0
            while start < changes.count {
                let low = start
                let high = Swift.min(low + (1 << 14), changes.count)
                let texts = Parallel.chunks(high - low, maxChunks: 16) { range in
                    var text = ""
                    var words = ConnectionWords()
                    for change in changes[(low + range.lowerBound)..<(low + range.upperBound)] {
                        text += "\(change.kind.rawValue.padding(7)) \(line(change, &words))".escapedForDisplay + "\n"
                    }
                    return text
                }
                for text in texts { out.write(text) }
                start = high
            }
            out.write("\(diff.summary)\n")
        case .csv:
            out.write("src,dst,change,old_conn,new_conn,src_workload,dst_workload\n")
            for change in diff.changes {
                out.write(cells(change).map(FlowReport.csvField).joined(separator: ",") + "\n")
            }
        case .md:
            let head = "Network plugin: `\(settings.name)`\n\n**\(diff.summary)**\n\n"
            out.write(head)
            guard !diff.changes.isEmpty else { return }
            let table = "| src | dst | change | old | new | workloads |\n|---|---|---|---|---|---|\n"
            out.write(table)
            var budget = markdownBudget - head.utf8.count - table.utf8.count - 200  // 200: the closing line
            var written = 0
            for change in diff.changes {
                var row = cells(change)
                row[5] = [row[5].isEmpty ? "" : "src \(row[5])", row[6].isEmpty ? "" : "dst \(row[6])"]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
                let line = "| " + row.prefix(6).map(FlowReport.markdownCell).joined(separator: " | ") + " |\n"
                budget -= line.utf8.count
                guard budget >= 0 else { break }
                out.write(line)
                written += 1
            }
            if written < diff.changes.count {
                let more = diff.changes.count - written
                out.write(
                    "\n… and \(more) more \(more == 1 ? "change" : "changes") (a pull-request comment holds at most "
                        + "65,536 characters): `netreach diff -o txt` lists them all.\n"
                )
            }
        }
    }

    /// The most annotations `-o github` writes. GitHub shows ten warnings and ten notices a step and fifty a job;
    /// a large change would write one per flow at every rule that admits it (gigabytes for a cluster added whole).
    package static let githubAnnotations = 50

    /// GitHub Actions workflow commands: a warning on each manifest whose rules opened a new or wider flow (at the
    /// rule; at the workload when no rule admits it: default-allow), a notice for each removed flow, then the
    /// summary. Past `githubAnnotations`, one notice counts the changes left out. `file` turns a location's file
    /// into the path the repository knows.
    package static func github(
        _ diff: ReachabilityDiff,
        settings: EngineSettings,
        file: (String) -> String = { $0 },
        to out: inout some TextOutputStream
    ) {
        var written = 0
        for (index, change) in diff.changes.enumerated() {
            let annotations = github(change, file: file)
            guard written + annotations.count <= githubAnnotations else {
                let left = diff.changes.count - index
                out.write(
                    "::notice title=netreach diff%3A more changes::"
                        + CheckReportWriter.escapeData(
                            "… and \(left) more \(left == 1 ? "change" : "changes") not annotated (GitHub shows at most "
                                + "\(githubAnnotations) annotations a job): netreach diff -o txt lists them all"
                        ) + "\n"
                )
                break
            }
            for annotation in annotations { out.write(annotation + "\n") }
            written += annotations.count
        }
        out.write("netreach diff: \(diff.summary) (\(settings.name))\n")
    }

    /// The workflow commands of one change: a notice for a removed flow, else a warning at each place that opened it.
    private static func github(_ change: FlowChange, file: (String) -> String) -> [String] {
        let text = line(change).escapedForDisplay
        guard change.kind != .removed else {
            return ["::notice title=netreach diff%3A flow removed::\(CheckReportWriter.escapeData(text))"]
        }
        let rules = change.admittedBy.map {
            "admitted by \($0.label)"
                .escapedForDisplay
        }
        let message = CheckReportWriter.escapeData(([text] + rules).joined(separator: "\n"))
        let title = "title=" + CheckReportWriter.escapeProperty("netreach diff: \(change.kind.rawValue) flow")
        var places = Array(Set(change.admittedBy.compactMap(\.location))).sorted()
        if places.isEmpty { places = change.endpointLocations }
        if places.isEmpty { return ["::warning \(title)::\(message)"] }
        return places.map { place in
            let properties = [
                "file=\(CheckReportWriter.escapeProperty(file(place.file).escapedForDisplay))",
                "line=\(place.line)", "col=\(place.column)", title,
            ]
            return "::warning \(properties.joined(separator: ","))::\(message)"
        }
    }

    /// `src => dst : old -> new (source added)`.
    private static func line(_ change: FlowChange) -> String {
        var words = ConnectionWords()
        return line(change, &words)
    }

    /// `line(_:)`, with the connections' texts from `words`.
    private static func line(_ change: FlowChange, _ words: inout ConnectionWords) -> String {
        var text = "\(change.source) => \(change.destination) : \(words[change.old]) -> \(words[change.new])"
        let notes = [
            change.sourceWorkload.map { "source workload \($0.rawValue)" },
            change.destinationWorkload.map { "destination workload \($0.rawValue)" },
            change.defaultAllowChanged
                ? "default-allow \(hops(change.oldDefaultAllow)) -> \(hops(change.newDefaultAllow))" : nil,
        ].compactMap { $0 }
        if !notes.isEmpty { text += " (\(notes.joined(separator: ", ")))" }
        return text
    }

    /// `egress+ingress`, or `none`.
    private static func hops(_ open: Set<Direction>) -> String {
        let words = [Direction.egress, .ingress].filter(open.contains).map { $0.rawValue.lowercased() }
        return words.isEmpty ? "none" : words.joined(separator: "+")
    }

    private static func cells(_ change: FlowChange) -> [String] {
        [
            change.source, change.destination, change.kind.rawValue, change.old.description, change.new.description,
            change.sourceWorkload?.rawValue ?? "", change.destinationWorkload?.rawValue ?? "",
        ].map(\.escapedForDisplay)
    }

    private static func json(_ change: FlowChange) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("src", .string(change.source)), ("dst", .string(change.destination)),
            ("change", .string(change.kind.rawValue)), ("old_conn", .string(change.old.description)),
            ("new_conn", .string(change.new.description)),
        ]
        if let workload = change.sourceWorkload { pairs.append(("src_workload", .string(workload.rawValue))) }
        if let workload = change.destinationWorkload { pairs.append(("dst_workload", .string(workload.rawValue))) }
        if change.defaultAllowChanged {
            pairs.append(("default_allow_changed", .bool(true)))
            pairs.append(("old_default_allow", .string(hops(change.oldDefaultAllow))))
            pairs.append(("new_default_allow", .string(hops(change.newDefaultAllow))))
        }
        return .object(pairs)
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

/// The texts of connection sets, each made once: the changes of a diff share a few sets.
private struct ConnectionWords {
    private var known: [ConnectionSet: String] = [:]

    subscript(_ connections: ConnectionSet) -> String {
        mutating get {
            if let text = known[connections] { return text }
            let text = connections.description
            known[connections] = text
            return text
        }
    }
}
