/// A text format for flow lists.
package struct ReportFormat: Hashable, Sendable, CustomStringConvertible {
    enum Kind: String, CaseIterable {
        case txt, json, csv, md
    }

    let kind: Kind

    /// `src => dst : conn` lines, as netpol-analyzer prints them.
    package static let txt = ReportFormat(kind: .txt)
    /// A JSON array of `{"src", "dst", "conn", "defaultAllow"}` objects, one per line.
    package static let json = ReportFormat(kind: .json)
    /// RFC 4180 CSV with a header row.
    package static let csv = ReportFormat(kind: .csv)
    /// A Markdown table.
    package static let md = ReportFormat(kind: .md)

    /// Every format's name.
    package static let names = Kind.allCases.map(\.rawValue)

    /// The format called `name` (`txt`, `json`, `csv`, `md`), or nil.
    package init?(name: String) {
        guard let kind = Kind(rawValue: name) else { return nil }
        self.kind = kind
    }

    init(kind: Kind) {
        self.kind = kind
    }

    /// The format's name.
    package var description: String { kind.rawValue }
}
