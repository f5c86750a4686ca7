/// A text format for flow lists.
public struct ReportFormat: Hashable, Sendable, CustomStringConvertible {
    enum Kind: String, CaseIterable {
        case txt, json, csv, md
    }

    let kind: Kind

    /// `src => dst : conn` lines, as netpol-analyzer prints them.
    public static let txt = ReportFormat(kind: .txt)
    /// A JSON array of `{"src", "dst", "conn", "defaultAllow"}` objects, one per line.
    public static let json = ReportFormat(kind: .json)
    /// RFC 4180 CSV with a header row.
    public static let csv = ReportFormat(kind: .csv)
    /// A Markdown table.
    public static let md = ReportFormat(kind: .md)

    /// Every format's name.
    public static let names = Kind.allCases.map(\.rawValue)

    /// The format called `name` (`txt`, `json`, `csv`, `md`), or nil.
    public init?(name: String) {
        guard let kind = Kind(rawValue: name) else { return nil }
        self.kind = kind
    }

    init(kind: Kind) {
        self.kind = kind
    }

    /// The format's name.
    public var description: String { kind.rawValue }
}
