import Foundation
import Testing

@Test func listPrintsTheShopFlows() throws {
    let run = try netreach(["list", "examples/shop"])
    #expect(run.status == 0)
    #expect(run.stdout == (try golden("expected.txt")))
    #expect(run.stderr == "")
}

@Test(arguments: ["json", "csv", "md"])
func listWritesEachFormat(format: String) throws {
    let run = try netreach(["list", "examples/shop", "-o", format])
    #expect(run.status == 0)
    #expect(run.stdout == (try golden("expected.\(format)")))
}

@Test func listReadsStandardInput() throws {
    let yaml =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x}\n"
    let run = try netreach(["list", "-", "-q"], stdin: yaml)
    #expect(run.status == 0)
    #expect(run.stdout.contains("x/a[Pod] => x/b[Pod] : All Connections\n"))
    #expect(run.stderr == "")
}

@Test func missingPathExitsTwoWithALocatedMessageAndNoOutput() throws {
    let run = try netreach(["list", "no/such/dir"])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(
        run.stderr
            == "no/such/dir:1:1: error: no such file or directory 'no/such/dir'\n  hint: pass manifest files, directories of them, or '-' for standard input\n"
    )
}

@Test func syntaxErrorExitsTwoAndWritesNothing() throws {
    let run = try netreach(["list", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n")
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(run.stderr.hasPrefix("-:4:1: error: found character that cannot start any token"))
}

@Test func keepGoingSkipsTheBadDocument() throws {
    let run = try netreach(
        ["list", "-", "--keep-going"],
        stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n"
    )
    #expect(run.status == 0)
    #expect(run.stdout.contains("default/ok[Pod] => 0.0.0.0-255.255.255.255 : All Connections"))
    #expect(run.stderr.contains("-:4:1: warning: skipped document:"))
}

@Test func fileOutputIsWrittenWholeAndOnlyOnSuccess() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let target = dir + "/flows.json"
    let ok = try netreach(["list", "examples/shop", "-o", "json", "--file", target])
    #expect(ok.status == 0)
    #expect(ok.stdout == "")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == (try golden("expected.json")))

    let bad = try netreach(["list", "-", "--file", target], stdin: "kind: [\n")
    #expect(bad.status == 2)
    #expect(
        try String(contentsOfFile: target, encoding: .utf8) == (try golden("expected.json")),
        "a failed run must not touch the output"
    )
    #expect(
        try FileManager.default.contentsOfDirectory(atPath: dir) == ["flows.json"],
        "no temporary file is left behind"
    )
}

/// A list of many flows reaches the output in blocks larger than the output's buffer, written straight from their
/// own storage: the file and standard output get the same text, in order, as valid JSON.
@Test func largeFlowListsAreWrittenWholeAndInOrder() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let pods = (0..<90).map { "apiVersion: v1\nkind: Pod\nmetadata: {name: pod-\($0), namespace: ns}\n" }
    let input = dir + "/pods.yaml"
    try pods.joined(separator: "---\n").write(toFile: input, atomically: true, encoding: .utf8)
    let target = dir + "/flows.json"
    let toFile = try netreach(["list", input, "-o", "json", "--file", target, "-q"])
    let toStdout = try netreach(["list", input, "-o", "json", "-q"])
    #expect(toFile.status == 0 && toStdout.status == 0)
    let written = try String(contentsOfFile: target, encoding: .utf8)
    #expect(written == toStdout.stdout)
    #expect(written.utf8.count > 1 << 18, "the flows fill several blocks")
    let object = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any]
    let flows = object?["flows"] as? [[String: Any]]
    // 90 pods reach each other (90 × 89) and the outside world both ways (90 × 2).
    #expect(flows?.count == 90 * 89 + 90 * 2)
    // Flows are listed by source, then destination: a block written out of its place breaks the order.
    let pairs = (flows ?? []).map { "\($0["src"] ?? "")\u{1}\($0["dst"] ?? "")" }
    #expect(pairs == pairs.sorted())
    #expect(Set(pairs).count == pairs.count)
}

@Test func unwritableOutputPathExitsTwo() throws {
    let run = try netreach(["list", "examples/shop", "--file", "/no/such/dir/out.txt"])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("/no/such/dir/out.txt: error: cannot write the output file"))
}

@Test func inputFilesAreNeverModified() throws {
    let path = root + "/examples/shop/policies.yaml"
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let run = try netreach(["list", "examples/shop", "-o", "json"])
    #expect(run.status == 0)
    #expect(run.stdout == (try golden("expected.json")))
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
}

@Test func unknownFormatIsAUsageError() throws {
    let run = try netreach(["list", "examples/shop", "-o", "xml"])
    #expect(run.status == 64)
    #expect(run.stderr.contains("xml"))
    #expect(run.stdout == "")
}

@Test func readmeMessyExampleOutput() throws {
    let run = try netreach(["list", "examples/messy", "--keep-going"])
    #expect(run.status == 0)
    #expect(
        run.stderr == """
            examples/messy/mixed.yaml:16:58: warning: skipped document: did not find expected node content (while parsing a flow node)
            warning: namespace 'demo' not defined in the input; assumed to exist with only the label kubernetes.io/metadata.name
            warning: skipped 1 object of unsupported kinds: ConfigMap (1)

            """
    )
    #expect(run.stdout.hasPrefix(genericHeader + "0.0.0.0-255.255.255.255 => demo/client[Pod] : All Connections\n"))
    let strict = try netreach(["list", "examples/messy"])
    #expect(strict.status == 2)
    #expect(strict.stdout == "")
}

@Test func readmeInvalidCIDRExampleOutput() throws {
    let run = try netreach(["list", "examples/bad/invalid-cidr.yaml"])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(
        run.stderr == """
            examples/bad/invalid-cidr.yaml:12:19: error: invalid CIDR '10.0.0.0/33' in spec.egress[0].to[0].ipBlock.cidr
              hint: write an address and a prefix length, such as 10.0.0.0/8 (prefix 0-32 for IPv4, 0-128 for IPv6)

            """
    )
}

@Test func graphWritesEachFormatAtomically() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (name, magic) in [
        ("g.png", [UInt8]([0x89, 0x50, 0x4E, 0x47])), ("g.pdf", Array("%PDF".utf8)), ("g.svg", Array("<?xm".utf8)),
    ] {
        let run = try netreach(["graph", "examples/shop", "--to", "db/postgres", "-o", dir + "/" + name])
        #expect(run.status == 0, "\(name): \(run.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        #expect(Array(bytes.prefix(4)) == magic, "\(name)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["g.pdf", "g.png", "g.svg"])
}

@Test func graphDOTMatchesTheGoldenAndListDOT() throws {
    let run = try netreach(["graph", "examples/shop", "--namespaces"])
    #expect(run.status == 0)
    #expect(run.stdout == (try golden("diagram-namespaces.dot")))
    let full = try netreach(["graph", "examples/shop"])
    #expect(full.stdout == (try golden("diagram-full.dot")))
    #expect(try netreach(["list", "examples/shop", "-o", "dot"]).stdout == full.stdout)
}

@Test func graphAcceptsALabelSelector() throws {
    let byLabel = try netreach(["graph", "examples/shop", "-l", "app=postgres"])
    let byName = try netreach(["graph", "examples/shop", "--to", "db/postgres[StatefulSet]"])
    #expect(byLabel.status == 0)
    #expect(byLabel.stdout == byName.stdout)
    #expect(byName.stdout == (try golden("diagram-to-db.dot")))
}

@Test func unknownGraphTargetListsCloseNames() throws {
    let run = try netreach(["graph", "examples/shop", "--to", "db/postgress"])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(
        run.stderr == "error: --to 'db/postgress' matches no endpoint\n  hint: did you mean db/postgres[StatefulSet]?\n"
    )
}

@Test func invalidSelectorIsAnError() throws {
    let run = try netreach(["graph", "examples/shop", "-l", "app in postgres"])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("error: invalid label selector 'app in postgres'\n"))
}

@Test func unknownDiagramFormatIsAnErrorAndWritesNothing() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let byName = try netreach(["graph", "examples/shop", "-o", dir + "/g.gif"])
    #expect(byName.status == 2)
    #expect(
        byName.stderr
            == "\(dir)/g.gif: error: cannot tell the diagram format from the file name\n  hint: end it in .dot, .svg, .png or .pdf, or pass --format\n"
    )
    let byOption = try netreach(["graph", "examples/shop", "--format", "gif", "-o", dir + "/g.out"])
    #expect(byOption.status == 2)
    #expect(byOption.stderr == "error: unknown diagram format 'gif'\n  hint: use dot, svg, png or pdf\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
}

@Test func unwritableDiagramPathExitsTwo() throws {
    let run = try netreach(["graph", "examples/shop", "-o", "/no/such/dir/g.svg"])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("/no/such/dir/g.svg: error: cannot write the output file"))
}

@Test func auditPrintsTheShopReportAndFailsOnErrors() throws {
    let run = try netreach(["audit", "examples/shop", "--isolation"])
    #expect(run.status == 1)
    #expect(run.stdout == (try golden("expected.audit.txt")))
    #expect(!run.stdout.contains("\u{1B}["), "colour only on a terminal or with --color")
    #expect(run.stderr == "")
}

@Test func auditColourIsOptIn() throws {
    let run = try netreach(["audit", "examples/shop", "--color", "--fail-on", "never"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("\u{1B}[1;31m"))
}

@Test(arguments: [("never", Int32(0)), ("error", 1), ("warning", 1), ("note", 1)])
func auditFailOnSetsTheExitCode(level: String, status: Int32) throws {
    let run = try netreach(["audit", "examples/shop", "--fail-on", level, "-o", "json"])
    #expect(run.status == status)
    #expect(run.stderr == "netreach audit: 3 errors, 8 warnings, 0 notes; 1 suppressed by netreach.io/ignore\n")
}

@Test func auditOfACleanClusterExitsZeroAtEveryLevel() throws {
    let run = try netreach(["audit", "Fixtures/audit/egress-not-isolated/negative", "--fail-on", "note"])
    #expect(run.status == 0)
    #expect(run.stdout.hasSuffix("0 errors, 0 warnings, 0 notes\n"))
}

@Test func auditWarningsAloneDoNotFailTheDefaultLevel() throws {
    let path = "Fixtures/audit/host-network/positive"
    #expect(try netreach(["audit", path]).status == 0)
    #expect(try netreach(["audit", path, "--fail-on", "warning"]).status == 1)
}

@Test(arguments: ["json", "sarif"])
func auditWritesMachineFormatsToAFile(format: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/report." + format
    let run = try netreach(["audit", "examples/shop", "-o", format, "--file", path])
    #expect(run.status == 1)
    #expect(run.stdout == "")
    #expect(run.stderr.contains("3 errors, 8 warnings"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == (try golden("expected.audit.\(format)")))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report." + format])
}

@Test func auditIsolationPrintsTheNamespaceMatrix() throws {
    let run = try netreach(["audit", "examples/shop", "--isolation", "--fail-on", "never"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("from \\ to   backend  db  frontend  monitoring  payments\n"))
    #expect(run.stdout.contains("backend -> db : TCP 5432\n"))
    #expect(!(try netreach(["audit", "examples/shop", "--fail-on", "never"])).stdout.contains("from \\ to"))
}

@Test func auditCallsOutFullyIsolatedNamespaces() throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: open, labels: {app: a}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c, namespace: other, labels: {app: c}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: sealed, labels: {app: b}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: sealed}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """
    let run = try netreach(["audit", "-", "--isolation", "--fail-on", "never"], stdin: yaml)
    #expect(run.status == 0)
    #expect(run.stdout.contains("Isolated from all other namespaces: sealed\n"))
    #expect(run.stdout.contains("from \\ to  open  other  sealed\n"))
    #expect(run.stdout.contains("open -> other : All Connections\n"))
}

@Test func auditOfBadInputExitsTwoAndWritesNothing() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/report.sarif"
    let run = try netreach(["audit", "examples/bad/invalid-cidr.yaml", "-o", "sarif", "--file", path])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(run.stderr.contains("examples/bad/invalid-cidr.yaml:"))
    #expect(!FileManager.default.fileExists(atPath: path))
}

@Test func auditRejectsAnUnknownLevel() throws {
    let run = try netreach(["audit", "examples/shop", "--fail-on", "critical"])
    #expect(run.status == 64)
    #expect(run.stderr.contains("critical"))
}

@Test func listDefaultAllowShowsOnlyOpenFlowsWithTheirHop() throws {
    let all = try netreach(["list", "examples/shop"]).stdout.split(separator: "\n")
    let run = try netreach(["list", "examples/shop", "--default-allow"])
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n").dropFirst()  // the network-plugin header
    #expect(!lines.isEmpty && lines.count < all.count - 1)
    #expect(lines.allSatisfy { $0.contains("  (default-allow: ") })
    #expect(lines.contains("db/postgres[StatefulSet] => frontend/web[Deployment] : TCP 8080  (default-allow: egress)"))
    let json = try netreach(["list", "examples/shop", "--default-allow", "-o", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let decoded = object?["flows"] as? [[String: Any]] ?? []
    #expect(decoded.count == lines.count)
    #expect(decoded.allSatisfy { ($0["defaultAllow"] as? [String])?.isEmpty == false })
}

@Test func readmeAuditExampleOutput() throws {
    let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
    let audit = try netreach(["audit", "examples/shop"])
    #expect(readme.contains("$ netreach audit examples/shop\n" + audit.stdout + "$ echo $?\n\(audit.status)\n"))
    let isolation = try netreach(["audit", "examples/shop", "--isolation"]).stdout
    let start = try #require(isolation.range(of: "Namespace isolation"))
    let end = try #require(isolation.range(of: "No namespace is isolated from all others.\n"))
    #expect(readme.contains(String(isolation[start.lowerBound..<end.upperBound])))
    let open = try netreach(["list", "examples/shop", "--default-allow"])
    #expect(readme.contains("$ netreach list examples/shop --default-allow\n" + open.stdout + "```"))
}

// MARK: - check

@Test func checkPrintsEachRuleAndFailsWhenOneFails() throws {
    let run = try netreach(["check", "--rules", "examples/shop/rules.yaml", "examples/shop"])
    #expect(run.status == 1)
    #expect(run.stdout == (try golden("expected.check.txt")))
    #expect(run.stderr == "")
}

@Test func checkExitsZeroWhenEveryRuleHolds() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "rules:\n- name: db only from the API\n  deny: {from: frontend, to: db}\n".write(
        toFile: directory + "/rules.yaml",
        atomically: true,
        encoding: .utf8
    )
    let run = try netreach(["check", "--rules", directory + "/rules.yaml", "examples/shop"])
    #expect(run.status == 0)
    #expect(run.stdout.hasSuffix("1 rule: 1 passed, 0 failed\n"))
}

@Test(arguments: [("json", "json"), ("junit", "junit.xml"), ("sarif", "sarif")])
func checkWritesMachineFormatsToAFile(format: String, suffix: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/report"
    let run = try netreach([
        "check", "--rules", "examples/shop/rules.yaml", "examples/shop", "-o", format, "--file", path,
    ])
    #expect(run.status == 1)
    #expect(run.stdout == "")
    #expect(run.stderr == "netreach check: 8 rules: 6 passed, 2 failed\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == (try golden("expected.check.\(suffix)")))
}

@Test func checkGitHubOutputIsWorkflowCommands() throws {
    let run = try netreach(["check", "--rules", "examples/shop/rules.yaml", "examples/shop", "-o", "github"])
    #expect(run.status == 1)
    #expect(run.stdout == (try golden("expected.check.github.txt")))
    #expect(run.stdout.hasPrefix("::error file=examples/shop/rules.yaml,line=44,col=5,title=netreach check failed%3A "))
}

@Test func checkOfABadRulesFileExitsTwoAndWritesNothing() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "rules:\n- name: a\n  deny: {from: a, to: b, ports: [99999]}\n".write(
        toFile: directory + "/rules.yaml",
        atomically: true,
        encoding: .utf8
    )
    let out = directory + "/out.xml"
    let run = try netreach([
        "check", "--rules", directory + "/rules.yaml", "examples/shop", "-o", "junit", "--file", out,
    ])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(run.stderr.contains("rules.yaml:3:34: error: rules[0].deny.ports[0] 99999 is out of range"))
    #expect(!FileManager.default.fileExists(atPath: out))
}

@Test func checkRuleMatchingNothingIsAnErrorUnlessAllowed() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let rules = directory + "/rules.yaml"
    try "rules:\n- name: ghost\n  deny: {from: frontend/wbe, to: db}\n".write(
        toFile: rules,
        atomically: true,
        encoding: .utf8
    )
    let strict = try netreach(["check", "--rules", rules, "examples/shop"])
    #expect(strict.status == 2)
    #expect(strict.stderr.contains("error: 'from: frontend/wbe' of rule 'ghost' matches no endpoint"))
    #expect(strict.stderr.contains("hint: did you mean frontend/web[Deployment]?"))
    #expect(strict.stdout == "")
    let relaxed = try netreach(["check", "--rules", rules, "examples/shop", "--allow-empty"])
    #expect(relaxed.status == 0)
    #expect(relaxed.stderr.contains("warning: 'from: frontend/wbe' of rule 'ghost' matches no endpoint"))
}

@Test func checkNeedsARulesFileThatExists() throws {
    let missing = try netreach(["check", "--rules", "no/such/rules.yaml", "examples/shop"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no/such/rules.yaml"))
    let absent = try netreach(["check", "examples/shop"])
    #expect(absent.status == 64)
    #expect(absent.stderr.contains("--rules"))
    let examples = try netreach(["check", "--rules", "examples/shop/rules.yaml", "examples/shop", "--examples", "0"])
    #expect(examples.status == 64)
    #expect(examples.stderr.contains("--examples must be at least 1"))
    #expect(examples.stdout == "")
}

@Test func checkExamplesLimitsTheCounterExamples() throws {
    let run = try netreach(["check", "--rules", "examples/shop/rules.yaml", "examples/shop", "--examples", "1"])
    #expect(run.stdout.contains("        … and 1 more\n"))
}

/// The netreach commands of the CI examples, run as written (with their variables filled in).
/// The GitLab job's netreach commands, run as written (the GitHub workflow uses the action: `ActionTests`).
@Test(arguments: ["gitlab-ci.yml"])
func ciExampleCommandsRunAsWritten(file: String) throws {
    let text = try String(contentsOfFile: root + "/examples/ci/" + file, encoding: .utf8)
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var commands = 0
    for line in text.split(separator: "\n") {
        guard let start = line.range(of: "netreach audit") ?? line.range(of: "netreach check") else { continue }
        let command = line[start.lowerBound...].replacingOccurrences(of: "\"$MANIFESTS\"", with: "examples/shop")
            .replacingOccurrences(of: "\"$RULES\"", with: "examples/shop/rules.yaml")
        var arguments = command.split(separator: " ").dropFirst().map(String.init)
        if let index = arguments.firstIndex(of: "--file") {
            arguments[index + 1] = directory + "/" + arguments[index + 1]
        }
        let run = try netreach(arguments)
        #expect(run.status == (arguments[0] == "audit" ? 0 : 1), "\(command): \(run.stderr)")
        if let index = arguments.firstIndex(of: "--file") {
            #expect(FileManager.default.fileExists(atPath: arguments[index + 1]))
        }
        commands += 1
    }
    #expect(commands >= 2)
}

@Test func readmeCheckExampleOutput() throws {
    let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
    let run = try netreach(["check", "--rules", "examples/shop/rules.yaml", "examples/shop"])
    #expect(readme.contains("$ netreach check --rules examples/shop/rules.yaml examples/shop\n" + run.stdout))
}

@Test func listCountPrintsTheNumberOfFlows() throws {
    let run = try netreach(["list", "examples/shop", "--count"])
    #expect(run.status == 0)
    #expect(run.stdout == "\((try golden("expected.txt")).split(separator: "\n").count - 1)\n")  // less the header
    #expect(try netreach(["list", "examples/shop", "--count", "--default-allow"]).status == 64)
}

/// The first line of every txt report with the default settings.
private let genericHeader =
    "# network plugin: --cni generic (ipBlocks match only addresses outside the cluster; policies govern host-network pods as pods)\n"

@Test func aKustomizeOverlayWithNamespaceFromTheCommandLine() throws {
    let run = try netreach(["list", "examples/kustomize/base", "-n", "shop"])
    #expect(run.status == 0)
    #expect(
        run.stdout == genericHeader + """
            shop/api[Deployment] => 0.0.0.0-255.255.255.255 : All Connections
            shop/api[Deployment] => shop/redis[StatefulSet] : TCP 6379
            shop/redis[StatefulSet] => 0.0.0.0-255.255.255.255 : All Connections

            """
    )
    #expect(run.stderr.contains("kubectl kustomize examples/kustomize/base | netreach list -"))
    // An overlay's namespace: wins over -n, as kustomize's does over kubectl's.
    let prod = try netreach(["list", "examples/kustomize/overlays/prod", "-n", "shop"])
    #expect(prod.stdout.hasPrefix(genericHeader + "0.0.0.0-255.255.255.255 => shop-prod/api[Deployment] : TCP 8080\n"))
    let bad = try netreach(["list", "examples/kustomize", "-n", "Not_A_Namespace"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("-n/--namespace 'Not_A_Namespace' is not a namespace name"))
}

@Test func repeatedWarningsAreGroupedUnlessVerbose() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for i in 1...5 {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
        #expect(FileManager.default.createFile(atPath: dir + "/p\(i).yaml", contents: Data(pod.utf8)))
    }
    let grouped = try netreach(["list", dir])
    #expect(
        grouped.stderr
            == "warning: objects defined again (4), first at \(dir)/p2.yaml:1:1, \(dir)/p3.yaml:1:1, \(dir)/p4.yaml:1:1 and 1 more; -v shows each\n"
            + "warning: namespace 'a' not defined in the input; assumed to exist with only the label kubernetes.io/metadata.name\n"
    )
    let verbose = try netreach(["list", dir, "-v"])
    #expect(verbose.stderr.split(separator: "\n").filter { $0.contains("is defined again") }.count == 4)
}

@Test func everyCommandHonoursIPBlockPods() throws {
    let rules = NSTemporaryDirectory() + "netreach-rules-" + UUID().uuidString + ".yaml"
    defer { try? FileManager.default.removeItem(atPath: rules) }
    let text = "rules:\n- name: client reaches db\n  allow: {from: app/client, to: app/db, ports: [5432/TCP]}\n"
    #expect(FileManager.default.createFile(atPath: rules, contents: Data(text.utf8)))
    let input = "Fixtures/ipblock-pods/cluster.yaml"
    #expect(try netreach(["check", "--rules", rules, input, "-q"]).status == 1)
    #expect(try netreach(["check", "--rules", rules, input, "-q", "--ipblock-pods"]).status == 0)
    // Who reaches the database: only addresses by default, the client pod too with the setting.
    #expect(!(try netreach(["graph", input, "--to", "app/db", "-q"]).stdout.contains("label=\"client")))
    #expect(try netreach(["graph", input, "--to", "app/db", "-q", "--ipblock-pods"]).stdout.contains("label=\"client"))
    // list counts the flows the setting adds (client to db), audit sees them: db is reached from app.
    let counts = try ["", "--ipblock-pods"].map { flag in
        try netreach(["list", input, "--count", "-q"] + (flag.isEmpty ? [] : [flag])).stdout
    }
    #expect(
        Int(counts[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > Int(
            counts[0].trimmingCharacters(in: .whitespacesAndNewlines)
        ) ?? 0
    )
    let matrix = try ["", "--ipblock-pods"].map { flag in
        try netreach(["audit", input, "-q", "--isolation", "--fail-on", "never"] + (flag.isEmpty ? [] : [flag])).stdout
    }
    #expect(matrix[0] != matrix[1])
}

/// Every command reads with the `--cni` profile and every report names it: the txt header, the JSON field, the
/// SARIF run property, the JUnit property, the diagram's title, the github summary line.
@Test func everyCommandHonoursAndNamesTheNetworkPlugin() throws {
    let rules = NSTemporaryDirectory() + "netreach-rules-" + UUID().uuidString + ".yaml"
    defer { try? FileManager.default.removeItem(atPath: rules) }
    let text =
        "rules:\n- name: batch reaches the agent\n  allow: {from: app/batch, to: app/agent, ports: [10250/TCP]}\n"
    #expect(FileManager.default.createFile(atPath: rules, contents: Data(text.utf8)))
    let input = "Fixtures/ipblock-pods/cluster.yaml"
    let cilium = ["--cni", "cilium", "-q"]
    let nodes = cilium + ["--ipblock-nodes"]
    let name = "--cni cilium --ipblock-nodes"
    // Cilium matches node addresses only in its nodes mode: batch reaches the host-network agent only then.
    #expect(try netreach(["check", "--rules", rules, input] + cilium).status == 1)
    let check = try netreach(["check", "--rules", rules, input] + nodes)
    #expect(check.status == 0)
    #expect(
        check.stdout.hasPrefix(
            "# network plugin: \(name) (ipBlocks match addresses outside the cluster and node addresses; host-network pods are governed by no policy)\n"
        )
    )
    for format in ["json", "sarif"] {
        let run = try netreach(["check", "--rules", rules, input, "-o", format] + nodes)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let runs = object?["runs"] as? [[String: Any]]
        let properties = format == "json" ? object : runs?.first?["properties"] as? [String: Any]
        let plugin = properties?["networkPlugin"] as? [String: Any]
        #expect(plugin?["profile"] as? String == "cilium", "\(format)")
        #expect(plugin?["flags"] as? String == name)
        #expect(plugin?["ipBlockMatchesNodes"] as? Bool == true && plugin?["hostNetworkPodsGoverned"] as? Bool == false)
    }
    #expect(
        try netreach(["check", "--rules", rules, input, "-o", "junit"] + nodes).stdout.contains(
            "<property name=\"networkPlugin\" value=\"\(name)\"/>"
        )
    )
    #expect(
        try netreach(["check", "--rules", rules, input, "-o", "github"] + nodes).stdout.hasSuffix(
            "passed, 0 failed (\(name))\n"
        )
    )
    let audit = try netreach(["audit", input, "-o", "sarif", "--fail-on", "never"] + nodes).stdout
    #expect(audit.contains("\"flags\": \"\(name)\""))
    #expect(
        try netreach(["audit", input, "--fail-on", "never"] + nodes).stdout.contains(
            "no NetworkPolicy governs it (\(name))"
        )
    )
    let graph = try netreach(["graph", input, "--to", "app/agent"] + nodes).stdout
    #expect(graph.contains("(network plugin: \(name))") && graph.contains("label=\"batch"))
    let list = try netreach(["list", input, "-o", "json"] + nodes).stdout
    #expect(
        list.contains("\"flags\": \"\(name)\"")
            && list.contains("\"src\": \"app/batch[Pod]\", \"dst\": \"app/agent[Pod]\"")
    )
    #expect(try netreach(["list", input, "-o", "md"] + nodes).stdout.hasPrefix("Network plugin: `\(name)`\n"))
    // A check that fails because the plugin governs no host-network pod says so, where generic names the policy.
    let deny = NSTemporaryDirectory() + "netreach-rules-" + UUID().uuidString + ".yaml"
    defer { try? FileManager.default.removeItem(atPath: deny) }
    let denyText = "rules:\n- name: nothing reaches the agent\n  deny: {from: app/db, to: app/agent}\n"
    #expect(FileManager.default.createFile(atPath: deny, contents: Data(denyText.utf8)))
    let calico = try netreach(["check", "--rules", deny, input, "--cni", "calico", "-q"]).stdout
    #expect(calico.contains("app/agent[Pod] uses the host network, which no NetworkPolicy governs (--cni calico)"))
    let generic = try netreach(["check", "--rules", deny, input, "-q"]).stdout
    #expect(
        generic.contains(
            "Fixtures/ipblock-pods/cluster.yaml:62:15: NetworkPolicy app/agent, ingress rule 1 admits app/db[Pod] into app/agent[Pod] (ingress)"
        )
    )
    #expect(!generic.contains("host network"))
    // explain says why the host-network pod accepts everything: the plugin, not a missing policy.
    let why = try netreach(["explain", "app/db", "app/agent", input, "--cni", "calico", "-q"]).stdout
    #expect(
        why.contains(
            "    ingress allowed:\n      it uses the host network, which no NetworkPolicy governs (--cni calico)\n"
        )
    )
    let governed = try netreach(["explain", "app/db", "app/agent", input, "-q"]).stdout
    #expect(
        governed.contains(
            "NetworkPolicy app/agent, ingress rule 1 (Fixtures/ipblock-pods/cluster.yaml:62:15) admits it"
        )
    )
    // A plugin netreach has no profile for is a usage error that lists the profiles.
    let unknown = try netreach(["list", input, "--cni", "flannel"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("generic") && unknown.stderr.contains("ovn-kubernetes"))
}

@Test func theInputSizeLimitCanBeSet() throws {
    let small = try netreach(["list", "examples/shop", "--max-input-size", "1K"])
    #expect(small.status == 2)
    #expect(small.stderr.contains("more than the limit of 1024 bytes"))
    #expect(small.stdout.isEmpty)
    #expect(try netreach(["list", "examples/shop", "--max-input-size", "1G", "-q"]).status == 0)
    let bad = try netreach(["list", "examples/shop", "--max-input-size", "lots"])
    #expect(bad.status != 0 && bad.stderr.contains("--max-input-size 'lots' is not a size"))
}

// MARK: - explain

@Test func explainNamesTheRuleAndItsLocationForEachSlice() throws {
    let run = try netreach(["explain", "backend/api", "db/postgres", "examples/shop", "-q"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("  TCP 5432: allowed\n"))
    #expect(
        run.stdout.contains(
            "NetworkPolicy db/postgres, ingress rule 1 (examples/shop/policies.yaml:125:7) admits it: from podSelector app=api in namespaces kubernetes.io/metadata.name=backend, ports TCP 5432"
        )
    )
    let one = try netreach(["explain", "frontend/web", "db/postgres", "--port", "5432/TCP", "examples/shop", "-q"])
    #expect(one.stdout.contains("  TCP 5432: denied\n") && !one.stdout.contains("UDP"))
    let json = try netreach(["explain", "0.0.0.0/0", "frontend/web", "examples/shop", "-q", "-o", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let pairs = object?["explanations"] as? [[String: Any]] ?? []
    #expect(pairs.count == 1 && pairs.first?["src"] as? String == "0.0.0.0-255.255.255.255")
    let md = try netreach(["explain", "backend/api", "db/postgres", "examples/shop", "-q", "-o", "md"])
    #expect(
        md.stdout.hasPrefix(
            "Network plugin: `--cni generic`\n\n### `backend/api[Deployment] => db/postgres[StatefulSet]`"
        )
    )
}

@Test func explainRefusesWhatItCannotExplain() throws {
    let unknown = try netreach(["explain", "frontend/wbe", "db/postgres", "examples/shop"])
    #expect(unknown.status == 2 && unknown.stdout.isEmpty)
    #expect(
        unknown.stderr.contains(
            "error: source 'frontend/wbe' matches no workload\n  hint: did you mean frontend/web[Deployment]?"
        )
    )
    let port = try netreach(["explain", "frontend/web", "db/postgres", "--port", "5432/TCPX", "examples/shop"])
    #expect(port.status == 2 && port.stderr.contains("--port '5432/TCPX' is not a port"))
    let addresses = try netreach(["explain", "10.0.0.0/8", "0.0.0.0/0", "examples/shop"])
    #expect(addresses.status == 2 && addresses.stderr.contains("both sides are addresses"))
}

@Test func listExplainsAndFocuses() throws {
    let all = try netreach(["list", "examples/shop", "--explain", "-o", "json", "-q"])
    let object = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any]
    let pairs = object?["explanations"] as? [[String: Any]] ?? []
    // Six endpoints: 30 ordered pairs, plus each endpoint's address groups in both directions.
    #expect(
        pairs.filter {
            ($0["src"] as? String)?.first?.isLetter == true && ($0["dst"] as? String)?.first?.isLetter == true
        }.count == 30
    )
    let into = try netreach(["list", "examples/shop", "--focus", "postgres", "--focus-direction", "ingress", "-q"])
    #expect(
        into.stdout.split(separator: "\n").dropFirst() == [
            "backend/api[Deployment] => db/postgres[StatefulSet] : TCP 5432"
        ]
    )
    let conn = try netreach([
        "list", "examples/shop", "--focus", "monitoring/prometheus", "--focus-conn", "tcp-9100", "-q",
    ])
    #expect(conn.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(" : TCP 9100") })
    #expect(conn.stdout.contains("monitoring/prometheus[Deployment] => backend/api[Deployment] : TCP 9100"))
    let text = try netreach([
        "list", "examples/shop", "--explain", "--focus", "db/postgres", "--focus-peer", "frontend/web", "-q",
    ])
    #expect(text.stdout.contains("\nfrontend/web[Deployment] => db/postgres[StatefulSet]\n"))
    #expect(!text.stdout.contains("backend/api[Deployment] =>"))
    #expect(try netreach(["list", "examples/shop", "--focus-peer", "web"]).status == 64)
    #expect(try netreach(["list", "examples/shop", "--explain", "-o", "csv"]).status == 64)
    #expect(try netreach(["list", "examples/shop", "--focus", "web", "-o", "dot"]).status == 64)
    #expect(try netreach(["list", "examples/shop", "--focus-conn", "tcp80"]).status == 64)
    let unknown = try netreach(["list", "examples/shop", "--focus", "postgress"])
    #expect(unknown.status == 2 && unknown.stderr.contains("did you mean db/postgres[StatefulSet]?"))
}

/// Every `$ netreach …` example in README.md prints what the README shows (scripts/readme_outputs.py runs them).
@Test func readmeExamplesPrintWhatTheReadmeShows() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", root + "/scripts/readme_outputs.py", "--netreach", executable]
    process.currentDirectoryURL = URL(fileURLWithPath: root)
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains(" 0 differ"))
}

// MARK: - diff

@Test func diffReportsAChangeInEveryFormatAndFailsOnRequest() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // The new version moves the database to port 5433, in the API's egress rule and the database's ingress rule.
    let policies = try String(contentsOfFile: root + "/examples/shop/policies.yaml", encoding: .utf8)
    try FileManager.default.createDirectory(atPath: directory + "/new", withIntermediateDirectories: true)
    for name in ["namespaces.yaml", "workloads.yaml", "services.yaml"] {
        try FileManager.default.copyItem(atPath: root + "/examples/shop/" + name, toPath: directory + "/new/" + name)
    }
    let widened = policies.replacingOccurrences(of: "port: 5432", with: "port: 5433")
    #expect(widened != policies)
    try widened.write(toFile: directory + "/new/policies.yaml", atomically: true, encoding: .utf8)
    let txt = try netreach(["diff", "examples/shop", directory + "/new", "-q"])
    #expect(txt.status == 0)
    #expect(
        txt.stdout.split(separator: "\n").dropFirst() == [
            "changed backend/api[Deployment] => db/postgres[StatefulSet] : TCP 5432 -> TCP 5433",
            "0 flows added, 0 removed, 1 changed",
        ]
    )
    let json = try netreach(["diff", "examples/shop", directory + "/new", "-q", "-o", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let changes = object?["changes"] as? [[String: Any]] ?? []
    #expect(changes.count == 1 && changes.first?["change"] as? String == "changed")
    #expect(changes.first?["old_conn"] as? String == "TCP 5432" && changes.first?["new_conn"] as? String == "TCP 5433")
    let csv = try netreach(["diff", "examples/shop", directory + "/new", "-q", "-o", "csv"])
    #expect(csv.stdout.hasPrefix("src,dst,change,old_conn,new_conn,src_workload,dst_workload\n"))
    let md = try netreach(["diff", "examples/shop", directory + "/new", "-q", "-o", "md"])
    #expect(
        md.stdout.contains("| backend/api[Deployment] | db/postgres[StatefulSet] | changed | TCP 5432 | TCP 5433 |  |")
    )
    // GitHub annotations at the two rules that now admit 5433.
    let github = try netreach(["diff", "examples/shop", directory + "/new", "-q", "-o", "github"]).stdout
    let warnings = github.split(separator: "\n").filter { $0.hasPrefix("::warning file=") }
    #expect(warnings.count == 2)
    #expect(warnings.allSatisfy { $0.contains("/new/policies.yaml,line=") && $0.contains("TCP 5432 -> TCP 5433") })
    #expect(github.contains("admitted by NetworkPolicy db/postgres, ingress rule 1"))
    #expect(github.hasSuffix("netreach diff: 0 flows added, 0 removed, 1 changed (--cni generic)\n"))
    #expect(try netreach(["diff", "examples/shop", directory + "/new", "-q", "--fail-on", "changed"]).status == 1)
    #expect(try netreach(["diff", "examples/shop", directory + "/new", "-q", "--fail-on", "any"]).status == 1)
    #expect(try netreach(["diff", "examples/shop", directory + "/new", "-q", "--fail-on", "added"]).status == 0)
    // A filter that leaves the change out: nothing to fail on.
    let elsewhere = try netreach([
        "diff", "examples/shop", directory + "/new", "-q", "--to", "frontend", "--fail-on", "any",
    ])
    #expect(elsewhere.status == 0 && elsewhere.stdout.hasSuffix("0 flows added, 0 removed, 0 changed\n"))
    #expect(
        try netreach(["diff", "examples/shop", directory + "/new", "-q", "--to", "db", "--fail-on", "any"]).status == 1
    )
    // The change as a picture.
    let picture = directory + "/change.svg"
    #expect(
        try netreach(["diff", "examples/shop", directory + "/new", "-q", "-o", "svg", "--file", picture]).status == 0
    )
    #expect(try String(contentsOfFile: picture, encoding: .utf8).contains("TCP 5432 → TCP 5433"))
    #expect(try netreach(["diff", "examples/shop", directory + "/new", "-o", "png"]).status == 64)
    // Unusable input: exit 2 and nothing written.
    let missing = try netreach(["diff", "examples/shop", directory + "/nothing-here"])
    #expect(missing.status == 2 && missing.stdout.isEmpty)
}

/// `--base REV` reads the paths as committed (the working tree's change is the new version), `--head REV` another
/// commit; the repository is left as it was; a missing revision or a path outside a repository is exit 2.
@Test func diffReadsGitRevisionsWithoutTouchingTheRepository() throws {
    let repository = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: repository) }
    func git(_ arguments: String) throws -> String { try runGit(arguments, in: repository) }
    try FileManager.default.createDirectory(atPath: repository + "/k8s", withIntermediateDirectories: true)
    let old = try String(contentsOfFile: root + "/examples/diff/old/cluster.yaml", encoding: .utf8)
    let new = try String(contentsOfFile: root + "/examples/diff/new/cluster.yaml", encoding: .utf8)
    try old.write(toFile: repository + "/k8s/cluster.yaml", atomically: true, encoding: .utf8)
    _ = try git("init -q && git add -A && git -c user.email=t@t -c user.name=t commit -q -m old")
    try new.write(toFile: repository + "/k8s/cluster.yaml", atomically: true, encoding: .utf8)
    let status = try git("status --porcelain")
    let working = try netreach(["diff", "--base", "HEAD", "k8s", "-q"], in: repository)
    #expect(working.status == 0)
    #expect(working.stdout.hasSuffix("6 flows added, 0 removed, 0 changed; 1 workload added\n"))
    #expect(try git("status --porcelain") == status)
    _ = try git("commit -q -am new")
    let commits = try netreach(
        ["diff", "--base", "HEAD~1", "--head", "HEAD", "k8s/cluster.yaml", "-q"],
        in: repository
    )
    // Annotations name the file as the repository does, not the temporary copy of a revision.
    let annotated = try netreach(
        ["diff", "--base", "HEAD~1", "--head", "HEAD", "k8s", "-q", "-o", "github"],
        in: repository
    )
    #expect(annotated.stdout.contains("::warning file=k8s/cluster.yaml,line=38,col=13,"))
    #expect(!annotated.stdout.contains("netreach-git-"))
    #expect(commits.stdout == working.stdout)
    let reverse = try netreach(["diff", "--base", "HEAD", "--head", "HEAD~1", "k8s", "-q"], in: repository)
    #expect(reverse.stdout.hasSuffix("0 flows added, 6 removed, 0 changed; 1 workload removed\n"))
    let missing = try netreach(["diff", "--base", "no-such-revision", "k8s"], in: repository)
    #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("no-such-revision"))
    let outside = try netreach(["diff", "--base", "HEAD", NSTemporaryDirectory()], in: repository)
    #expect(outside.status == 2 && outside.stderr.contains("not a git repository"))
    #expect(try netreach(["diff", "--head", "HEAD", "k8s"], in: repository).status == 64)
    // A path the revision does not have; identical versions: an empty diff, exit 0 even with --fail-on any.
    try FileManager.default.createDirectory(atPath: repository + "/later", withIntermediateDirectories: true)
    let absent = try netreach(["diff", "--base", "HEAD", "later"], in: repository)
    #expect(absent.status == 2 && absent.stderr.contains("'later' does not exist at revision 'HEAD'"))
    let same = try netreach(["diff", "--base", "HEAD", "k8s", "-q", "--fail-on", "any"], in: repository)
    #expect(same.status == 0 && same.stdout.hasSuffix("0 flows added, 0 removed, 0 changed\n"))
}

/// Runs `git ARGUMENTS` (a shell line) in `directory`, as a test user; expects success and returns the output.
private func runGit(_ arguments: String, in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "git -c user.email=t@t -c user.name=t " + arguments]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "git \(arguments): \(text)")
    return text
}

/// The pull-request job of examples/ci, its netreach commands run as written on a repository whose branch adds
/// examples/diff/shop-db-open's policies to the shop: the md comment is written, and the job fails with an
/// annotation at the rule that opened the database to the frontend. Without the change, it passes.
@Test func pullRequestDiffJobRunsAsWritten() throws {
    let text = try String(contentsOfFile: root + "/examples/ci/github-pull-request-diff.yml", encoding: .utf8)
    let repository = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: repository) }
    let shop = repository + "/examples/shop"
    try FileManager.default.createDirectory(atPath: shop, withIntermediateDirectories: true)
    for name in ["namespaces.yaml", "workloads.yaml", "policies.yaml", "services.yaml"] {
        try FileManager.default.copyItem(atPath: root + "/examples/shop/" + name, toPath: shop + "/" + name)
    }
    _ = try runGit("init -q && git add -A && git -c user.email=t@t -c user.name=t commit -q -m base", in: repository)
    _ = try runGit("update-ref refs/remotes/origin/main HEAD", in: repository)
    let commands = text.split(separator: "\n").compactMap { line -> [String]? in
        guard let start = line.range(of: "run: netreach diff") else { return nil }
        return line[start.lowerBound...].dropFirst(5).replacingOccurrences(
            of: "\"origin/$GITHUB_BASE_REF\"",
            with: "origin/main"
        )
        .replacingOccurrences(of: "\"$MANIFESTS\"", with: "examples/shop")
        .replacingOccurrences(of: "\"$PROTECTED\"", with: "db")
        .split(separator: " ").dropFirst().map(String.init)
    }
    #expect(commands.count == 2 && commands.allSatisfy { !$0.joined().contains("$") })
    func runJob() throws -> [(status: Int32, stdout: String)] {
        try commands.map { arguments in
            let run = try netreach(arguments, in: repository)
            return (run.status, run.stdout)
        }
    }
    let unchanged = try runJob()
    #expect(unchanged.map(\.status) == [0, 0])
    try FileManager.default.copyItem(
        atPath: root + "/examples/diff/shop-db-open/web-reads-db.yaml",
        toPath: shop + "/web-reads-db.yaml"
    )
    _ = try runGit("add -A && git -c user.email=t@t -c user.name=t commit -q -m 'web reads db'", in: repository)
    let changed = try runJob()
    #expect(changed.map(\.status) == [0, 1])
    let comment = try String(contentsOfFile: repository + "/netreach-diff.md", encoding: .utf8)
    #expect(comment.contains("**1 flow added, 0 removed, 0 changed**"))
    #expect(
        comment.contains("| frontend/web[Deployment] | db/postgres[StatefulSet] | added | No Connections | TCP 5432 |")
    )
    #expect(changed[1].stdout.contains("::warning file=examples/shop/web-reads-db.yaml,line=12,col=7,"))
}

/// examples/diff/shop-db-open is the shop plus one file: its copies of the shop's files must not drift.
@Test func theShopDiffExampleIsTheShopPlusOneFile() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: root + "/examples/diff/shop-db-open").sorted()
    #expect(files == ["namespaces.yaml", "policies.yaml", "services.yaml", "web-reads-db.yaml", "workloads.yaml"])
    for name in files where name != "web-reads-db.yaml" {
        #expect(
            FileManager.default.contentsEqual(
                atPath: root + "/examples/diff/shop-db-open/" + name,
                andPath: root + "/examples/shop/" + name
            ),
            "\(name) differs from examples/shop/\(name)"
        )
    }
}

/// `--count` prints the summary alone (and still fails on request); md stops before GitHub's comment limit and
/// counts the rows it left out, so rows written plus rows left out are every change.
@Test func diffCountsAndKeepsMarkdownWithinACommentsLimit() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let pods = (0..<60).map {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod-with-a-long-name-\($0), namespace: x, labels: {i: \"\($0)\"}}\n"
    }.joined(separator: "---\n")
    let deny =
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\n"
        + "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
    try pods.write(toFile: directory + "/old.yaml", atomically: true, encoding: .utf8)
    try (pods + deny).write(toFile: directory + "/new.yaml", atomically: true, encoding: .utf8)
    let old = directory + "/old.yaml"
    let new = directory + "/new.yaml"
    // 60 × 59 pairs and 60 × 2 address flows removed.
    let summary = "0 flows added, 3660 removed, 0 changed\n"
    #expect(try netreach(["diff", old, new, "-q", "--count"]).stdout == summary)
    #expect(try netreach(["diff", old, new, "-q"]).stdout.hasSuffix(summary))
    #expect(try netreach(["diff", old, new, "-q", "--count", "--fail-on", "removed"]).status == 1)
    #expect(try netreach(["diff", old, new, "-q", "--count", "--fail-on", "added"]).status == 0)
    #expect(
        try netreach(["diff", old, new, "-q", "--count", "--focus", "pod-with-a-long-name-7"]).stdout
            == "0 flows added, 120 removed, 0 changed\n"
    )
    #expect(try netreach(["diff", old, new, "--count", "-o", "json"]).status == 64)
    let md = try netreach(["diff", old, new, "-q", "-o", "md"]).stdout
    #expect(md.count < 65_536)
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") }.count - 1  // less the header row
    let left = md.split(separator: "\n").last.flatMap { line in
        line.hasPrefix("… and ") ? Int(line.dropFirst(6).prefix { $0.isNumber }) : nil
    }
    #expect(rows > 100 && left.map { rows + $0 } == 3660, "\(rows) rows, then \(md.suffix(200))")
}

// MARK: - exposure

/// `list --exposure`: the JSON object gains `exposure` and `unprotected` after `flows`; txt a section after the
/// flows; other formats and other modes are refused as usage errors.
@Test func listExposureInJSONAndText() throws {
    let json = try netreach(["list", "examples/shop", "--exposure", "-o", "json", "-q"])
    #expect(json.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect(Set(object?.keys.map { $0 } ?? []) == ["networkPlugin", "flows", "exposure", "unprotected"])
    // The API admits metrics scrapes from any pod of a namespace labelled team=sre: a new namespace would do.
    let exposure = object?["exposure"] as? [[String: Any]] ?? []
    #expect(
        exposure.contains {
            $0["workload"] as? String == "backend/api[Deployment]" && $0["direction"] as? String == "ingress"
                && ($0["peer"] as? [String: Any])?["namespace_selector"] as? [String] == ["team=sre"]
                && $0["conn"] as? String == "TCP 9100"
        },
        "\(exposure)"
    )
    // The database admits backend/api, which exists and matches exactly: a flow, not exposure.
    #expect(
        !exposure.contains {
            $0["workload"] as? String == "db/postgres[StatefulSet]" && $0["direction"] as? String == "ingress"
        }
    )
    let unprotected = object?["unprotected"] as? [[String: String]] ?? []
    #expect(unprotected.contains { $0 == ["workload": "db/postgres[StatefulSet]", "direction": "egress"] })
    let txt = try netreach(["list", "examples/shop", "--exposure", "-q"]).stdout
    #expect(txt.contains("\nExposure: what the rules admit beyond the pods in the input\n"))
    #expect(txt.contains("\nbackend/api[Deployment] <= [namespaces team=sre]/[all pods] : TCP 9100\n"))
    #expect(
        txt.hasSuffix(
            "\nNot protected by any policy:\ndb/postgres[StatefulSet] on egress\n"
                + "monitoring/prometheus[Deployment] on egress\nmonitoring/prometheus[Deployment] on ingress\n"
        )
    )
    for refused in [["-o", "csv"], ["--count"], ["--explain"], ["--default-allow"]] {
        #expect(try netreach(["list", "examples/shop", "--exposure"] + refused).status == 64, "\(refused)")
    }
}

/// `internet` in a deny rule is every address and the ingress controller: a workload that admits only pods is still
/// reachable from outside through an Ingress, and the rule says so; `isolated` refuses it (it draws boundaries
/// around endpoints).
@Test func checkInternetCoversAddressesAndWaysIn() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let cluster = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}

        """
    let ingress = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
        """
    try cluster.write(toFile: directory + "/closed.yaml", atomically: true, encoding: .utf8)
    try (cluster + ingress).write(toFile: directory + "/open.yaml", atomically: true, encoding: .utf8)
    try "rules:\n  - {name: web is private, deny: {from: internet, to: shop}}\n".write(
        toFile: directory + "/rules.yaml",
        atomically: true,
        encoding: .utf8
    )
    let closed = try netreach(["check", "--rules", directory + "/rules.yaml", directory + "/closed.yaml", "-q"])
    #expect(closed.status == 0, "\(closed.stdout)")
    let open = try netreach(["check", "--rules", directory + "/rules.yaml", directory + "/open.yaml", "-q"])
    #expect(open.status == 1)
    #expect(open.stdout.contains("1 flow is allowed from internet to shop"), "\(open.stdout)")
    #expect(open.stdout.contains("{ingress-controller} => shop/web[Pod] : TCP 8080"))
    try "rules:\n  - {name: x, isolated: internet}\n".write(
        toFile: directory + "/bad.yaml",
        atomically: true,
        encoding: .utf8
    )
    let bad = try netreach(["check", "--rules", directory + "/bad.yaml", directory + "/open.yaml"])
    #expect(bad.status == 2 && bad.stderr.contains("is not a set of endpoints"))
}

/// `netreach floor` (hidden, for the benchmark) times libyaml alone on the files; it is not in the help.
@Test func floorCountsEventsAndIsHidden() throws {
    let run = try netreach(["floor", "examples/tiers/cluster/namespaces.yaml"])
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("77 events, 354 bytes, "))
    #expect(run.stdout.hasSuffix(" s\n"))
    let help = try netreach(["--help"])
    #expect(!help.stdout.contains("floor"))
    let bad = try netreach(["floor", "examples/bad/does-not-exist.yaml"])
    #expect(bad.status != 0)
}
