import KubeModel
import Reports
import Testing

private func duplicate(_ i: Int) -> Diagnostic {
    .warning(
        "NetworkPolicy 'a/p\(i)' is defined again",
        at: SourceLocation(file: "f.yaml", line: i, column: 1),
        group: "objects defined again"
    )
}

@Test func repeatedWarningsOfOneGroupBecomeOneLineWhereTheFirstWas() {
    let warnings =
        [Diagnostic.warning("first, on its own", at: SourceLocation(file: "a.yaml", line: 1, column: 1))]
        + (1...5).map(duplicate) + [Diagnostic.warning("last, ungrouped")]
    #expect(
        WarningLines.lines(warnings, verbose: false) == [
            "a.yaml:1:1: warning: first, on its own",
            "warning: objects defined again (5), first at f.yaml:1:1, f.yaml:2:1, f.yaml:3:1 and 2 more; -v shows each",
            "warning: last, ungrouped",
        ]
    )
    #expect(WarningLines.lines(warnings, verbose: true) == warnings.map(\.description))
}

@Test func aFewWarningsOfAGroupArePrintedEachAsTheyAre() {
    let warnings = (1...3).map(duplicate)
    #expect(WarningLines.lines(warnings, verbose: false) == warnings.map(\.description))
}
