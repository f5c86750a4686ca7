import Foundation
import Testing

// One test per promise of the README's "Bad input" section, each run against the built executable as a user (or an
// attacker's pull request) would run it.

private let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"

private func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

private func expectRefusal(
    _ run: Run,
    located file: String,
    _ fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run.status == 2, sourceLocation: sourceLocation)
    #expect(run.stdout == "", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix(file + ":"), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(fragment), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(
        run.stderr.split(separator: "\n").count <= 2,
        "one message and its hint: \(run.stderr)",
        sourceLocation: sourceLocation
    )
}

@Test func anAliasBombIsStoppedWithALocatedError() throws {
    var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...9 {
        yaml += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) "
        yaml +=
            "[" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ")
            + "]\n"
    }
    let run = try netreach(["list", "-"], stdin: pod + "---\n" + yaml)
    expectRefusal(run, located: "-", "more than 1000000 nodes")
}

@Test func deepNestingIsStoppedWithALocatedError() throws {
    let yaml = pod + "---\n" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
    let run = try netreach(["list", "-"], stdin: yaml)
    expectRefusal(run, located: "-", "nest")
}

@Test func anOversizedFileIsRefusedWithoutReadingIt() throws {
    let directory = try temporaryDirectory()
    let path = directory + "/huge.yaml"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(pod.utf8)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 3 << 30)  // sparse: no 3 GiB written
    try handle.close()
    let run = try netreach(["list", path])
    expectRefusal(run, located: path, "more than the limit")
}

@Test(arguments: [
    ("binary", [UInt8]([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0xFF, 0xFE])),
    ("nul", Array("apiVersion: v1\nkind: Pod\nmetadata: {name: a\u{0}b}\n".utf8)),
    ("invalid UTF-8", Array("apiVersion: v1\nkind: Pod\nmetadata: {name: ".utf8) + [0xC3, 0x28] + Array("}\n".utf8)),
])
func binaryNulAndInvalidUTF8AreLocatedErrors(name: String, bytes: [UInt8]) throws {
    let directory = try temporaryDirectory()
    let path = directory + "/in.yaml"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let run = try netreach(["list", path])
    expectRefusal(run, located: path, "error:")
    #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(name): no raw control byte")
}

@Test func aFIFOInADirectoryIsSkippedWithAWarningNotWaitedOn() throws {
    let directory = try temporaryDirectory()
    try write(pod, to: directory + "/a.yaml")
    #expect(mkfifo(directory + "/pipe.yaml", 0o644) == 0)
    let run = try netreach(["list", directory], timeout: 20)
    #expect(!run.timedOut)
    #expect(run.status == 0)
    #expect(run.stderr.contains("warning: skipped '\(directory)/pipe.yaml': not a regular file (a FIFO)"))
    #expect(run.stdout.contains("shop/web[Pod]"))
}

@Test func aPipeNamedOnTheCommandLineIsStillRead() throws {
    let run = try netreach(["list", "/dev/stdin", "-q"], stdin: pod)
    #expect(run.status == 0)
    #expect(run.stdout.contains("shop/web[Pod]"))
}

@Test func symlinkLoopsEndWithAWarning() throws {
    let directory = try temporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory + "/k8s/sub", withIntermediateDirectories: true)
    try write(pod, to: directory + "/k8s/pod.yaml")
    try FileManager.default.createSymbolicLink(atPath: directory + "/k8s/sub/back", withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: directory + "/k8s/self.yaml", withDestinationPath: "self.yaml")
    let run = try netreach(["list", directory + "/k8s"], timeout: 20)
    #expect(!run.timedOut)
    #expect(run.status == 0)
    #expect(run.stderr.contains("self.yaml': cannot follow it: a loop of symbolic links"))
    #expect(run.stderr.contains("sub/back': a directory already searched (a loop of links)"))
    #expect(run.stdout.contains("shop/web[Pod]"))
}

@Test func aSymlinkOutOfTheTreeIsNotFollowed() throws {
    let directory = try temporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory + "/k8s", withIntermediateDirectories: true)
    try write(pod, to: directory + "/k8s/pod.yaml")
    try write(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: secret-name, namespace: shop}\n",
        to: directory + "/outside.yaml"
    )
    try FileManager.default.createSymbolicLink(
        atPath: directory + "/k8s/leak.yaml",
        withDestinationPath: "../outside.yaml"
    )
    // A link inside the tree is followed; the same file reached directly is the one read.
    try FileManager.default.createSymbolicLink(atPath: directory + "/k8s/a-link.yaml", withDestinationPath: "pod.yaml")
    // Run from `directory`, the link stays inside the working directory (a repository's own tree): followed.
    let run = try netreach(["list", "k8s"], in: directory)
    #expect(run.status == 0)
    #expect(run.stdout.contains("secret-name"))
    // Run from elsewhere (the repository root), it leads out of both: not followed.
    let strict = try netreach(["list", directory + "/k8s"])
    #expect(strict.status == 0)
    #expect(!strict.stdout.contains("secret-name"))
    #expect(strict.stderr.contains("leak.yaml': a symbolic link to '"))
    #expect(strict.stderr.contains("outside the directory and the working directory"))
    #expect(strict.stderr.contains("a-link.yaml': the same file as '\(directory)/k8s/pod.yaml', which is read once"))
}

@Test func aFileWhoseNameIsNotUTF8IsRead() throws {
    let directory = try temporaryDirectory()
    try write(pod, to: directory + "/a.yaml")
    let name = Array((directory + "/b").utf8) + [0xFF] + Array(".yaml".utf8)
    let other =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: other, namespace: shop}\nspec: {containers: [{name: c, ports: [{containerPort: 80}]}], bad: [}\n"
    let descriptor = name.withUnsafeBufferPointer { buffer -> Int32 in
        let cString = buffer.map { CChar(bitPattern: $0) } + [0]
        return open(cString, O_WRONLY | O_CREAT, 0o644)
    }
    #expect(descriptor >= 0)
    _ = other.utf8.withContiguousStorageIfAvailable { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    // The file is read: its syntax error is reported under its name, its bytes escaped.
    let run = try netreach(["list", directory])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("\(directory)/b\\xff.yaml:4:"), "\(run.stderr)")
}

// MARK: - Outputs never replace inputs

@Test(arguments: ["./in.yaml", "in.yaml", "link.yaml", "hard.yaml", "k8s/inner.yaml", "rules.yaml"])
func anOutputOntoAnInputIsRefusedBeforeWriting(target: String) throws {
    let directory = try temporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory + "/k8s", withIntermediateDirectories: true)
    try write(pod, to: directory + "/in.yaml")
    try write(pod.replacingOccurrences(of: "web", with: "api"), to: directory + "/k8s/inner.yaml")
    try write("rules:\n  - name: r\n    deny: {from: shop, to: 10.0.0.0/8}\n", to: directory + "/rules.yaml")
    try FileManager.default.createSymbolicLink(atPath: directory + "/link.yaml", withDestinationPath: "in.yaml")
    #expect(link(directory + "/in.yaml", directory + "/hard.yaml") == 0)
    let before = try ["in.yaml", "k8s/inner.yaml", "rules.yaml"].map {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))
    }
    for command in [
        ["list", "in.yaml", "k8s", "--file", target],
        ["audit", "in.yaml", "k8s", "--file", target],
        ["check", "--rules", "rules.yaml", "in.yaml", "k8s", "--file", target],
        ["graph", "in.yaml", "k8s", "-o", target, "--format", "dot"],
    ] {
        if target == "rules.yaml", command[0] != "check" { continue }  // not an input of the other commands
        let run = try netreach(command, in: directory)
        #expect(run.status == 2, "\(command)")
        #expect(run.stderr.contains("the output file '\(target)' is the input"), "\(command): \(run.stderr)")
    }
    let after = try ["in.yaml", "k8s/inner.yaml", "rules.yaml"].map {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))
    }
    #expect(before == after)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty)
}

@Test func anOutputOntoASymlinkReplacesTheFileItPointsTo() throws {
    let directory = try temporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory + "/reports", withIntermediateDirectories: true)
    try write("old report\n", to: directory + "/reports/flows.txt")
    try FileManager.default.createSymbolicLink(
        atPath: directory + "/latest.txt",
        withDestinationPath: "reports/flows.txt"
    )
    let run = try netreach(["list", root + "/examples/shop", "--file", "latest.txt"], in: directory)
    #expect(run.status == 0)
    let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/latest.txt")
    #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link stays a link")
    let written = try String(contentsOfFile: directory + "/reports/flows.txt", encoding: .utf8)
    #expect(written == (try golden("expected.txt")))
}

// MARK: - Failing writes

@Test func aFullDiskLeavesNoFileAndExitsTwo() throws {
    let directory = try temporaryDirectory()
    // A file-size limit of one 512-byte block makes every larger write fail as a full disk does.
    let run = try netreach(
        ["list", root + "/examples/shop", "-o", "json", "--file", directory + "/out.json"],
        shell: (before: "ulimit -f 1;", redirect: "")
    )
    #expect(run.status == 2)
    #expect(!run.signaled)
    // The reason is the failed write's own (it happens on the writer's thread), not whatever errno the main one holds.
    #expect(run.stderr.contains("cannot write the output file: File too large"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "no partial or temporary file")
}

@Test func aClosedStandardOutputExitsTwo() throws {
    let run = try netreach(["list", "examples/shop"], shell: (before: "", redirect: ">&-"))
    #expect(run.status == 2)
    #expect(!run.signaled)
    #expect(run.stderr == "error: cannot write to standard output\n")
}

/// Starts `netreach list` on 1,500 pods in a namespace without policies (2.2 million flows, a write long enough to
/// interrupt) with `--file out.txt`, stops it once its temporary file exists, sends `signal`, lets it go on, and
/// returns how it ended and the temporary file's path. `shell` runs first in the same process (`trap "" HUP;`).
private func interruptWrite(with signal: Int32, shell: String = "") throws -> (Process, String, String) {
    let directory = try temporaryDirectory()
    var yaml = ""
    for i in 0..<1500 { yaml += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: big}\n" }
    try write(yaml, to: directory + "/big.yaml")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [
        "-c", "\(shell) exec \"$0\" \"$@\"", executable, "list", "big.yaml", "-q", "--file", "out.txt",
    ]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    try process.run()
    let temporary = directory + "/.out.txt.\(process.processIdentifier).tmp"
    var seen = false
    for _ in 0..<20_000 where process.isRunning {
        if FileManager.default.fileExists(atPath: temporary) {
            // Stopped in the middle of the write, then signalled: the signal is handled when it continues.
            kill(process.processIdentifier, SIGSTOP)
            seen = FileManager.default.fileExists(atPath: temporary)
            break
        }
        usleep(500)
    }
    #expect(seen, "the temporary file was never seen; the test did not interrupt a write")
    kill(process.processIdentifier, signal)
    kill(process.processIdentifier, SIGCONT)
    process.waitUntilExit()
    return (process, temporary, directory + "/out.txt")
}

@Test(arguments: [SIGINT, SIGTERM, SIGHUP])
func anInterruptedWriteRemovesItsTemporaryFile(signal: Int32) throws {
    let (process, temporary, output) = try interruptWrite(with: signal)
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(process.terminationStatus == signal)
    #expect(!FileManager.default.fileExists(atPath: temporary))
    #expect(!FileManager.default.fileExists(atPath: output))
}

@Test func aSignalTheCallerIgnoresStaysIgnored() throws {
    // Under nohup (SIGHUP ignored) a hang-up must not end the write.
    let (process, temporary, output) = try interruptWrite(with: SIGHUP, shell: "trap '' HUP;")
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    #expect(!FileManager.default.fileExists(atPath: temporary))
    #expect(FileManager.default.fileExists(atPath: output))
}

// MARK: - Injected names

/// A manifest whose names carry an escape sequence and a GitHub workflow command on a line of its own.
private let injected = """
    apiVersion: v1
    kind: Pod
    metadata: {name: "evil\\e]0;pwned\\a\\n::warning file=x::owned", namespace: shop}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: use_common_labels_same_values, namespace: shop, labels: {app: web}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: ok, namespace: "shop\\e[2J"}

    """

@Test func aNameWithAControlCharacterIsALocatedErrorPrintedEscaped() throws {
    let run = try netreach(["list", "-"], stdin: injected)
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(
        run.stderr.hasPrefix(
            "-:3:18: error: metadata.name 'evil\\x1b]0;pwned\\x07\\x0a::warning file=x::owned' cannot be used: it holds the unprintable character U+001B\n"
        ),
        "\(run.stderr)"
    )
    #expect(!run.stderr.contains("\u{1B}"))
}

@Test(arguments: ["txt", "json", "csv", "md", "dot"])
func keepGoingSkipsObjectsWithUnprintableNamesAndKeepsNonConformantOnes(format: String) throws {
    let run = try netreach(["list", "-", "--keep-going", "-o", format], stdin: injected)
    #expect(run.status == 0)
    #expect(run.stderr.contains("-:3:18: warning: skipped document: metadata.name 'evil\\x1b]0;pwned"))
    #expect(run.stderr.contains("-:11:33: warning: skipped document: metadata.namespace 'shop\\x1b[2J'"))
    #expect(
        run.stderr.contains(
            "-:7:18: warning: metadata.name 'use_common_labels_same_values' is kept, but Kubernetes would reject it"
        )
    )
    #expect(run.stdout.contains("use_common_labels_same_values"))
    for output in [run.stdout, run.stderr] {
        #expect(!output.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F })
        #expect(!output.split(separator: "\n").contains { $0.hasPrefix("::") })
    }
}

@Test func aFileNameThatInjectsALineIsPrintedEscaped() throws {
    let directory = try temporaryDirectory()
    let name = "x\n::error file=a::owned\u{1B}[2J.yaml"
    try write("apiVersion: v1\nkind: Pod\nmetadata: {name: [}\n", to: directory + "/" + name)
    let run = try netreach(["list", directory])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("\(directory)/x\\x0a::error file=a::owned\\x1b[2J.yaml:3:"), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
}

// MARK: - The README's examples

@Test func readmeInjectedNameExampleOutput() throws {
    let run = try netreach(["list", "examples/bad/injected-name.yaml"])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    #expect(
        run.stderr == """
            examples/bad/injected-name.yaml:6:9: error: metadata.name 'web\\x1b[2J\\x0a::warning title=owned::this line was injected' cannot be used: it holds the unprintable character U+001B
              hint: names and labels may hold letters, digits, '-', '_' and '.' only; fix the manifest, or pass --keep-going to skip this object

            """
    )
}

@Test func readmeOutputOntoAnInputExampleOutput() throws {
    let run = try netreach(["list", "examples/shop", "--file", "./examples/shop/policies.yaml"])
    #expect(run.status == 2)
    #expect(
        run.stderr == """
            error: the output file './examples/shop/policies.yaml' is the input 'examples/shop/policies.yaml'; netreach never overwrites its input
              hint: write the report to another path (outside the directories you analyze)

            """
    )
}

@Test func keepGoingSaysWhyNothingWasLeft() throws {
    let run = try netreach(["list", "examples/bad/injected-name.yaml", "--keep-going"])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("examples/bad/injected-name.yaml:6:9: warning: skipped document: metadata.name"))
    #expect(run.stderr.contains("hint: every object was skipped (see the warnings above)"))
}

@Test func aMalformedSuppressionIsALocatedWarningNotACrash() throws {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {netreach.io/ignore: \":\"}\n"
    let run = try netreach(["audit", "-", "--fail-on", "never"], stdin: pod)
    #expect(run.status == 0)
    #expect(run.stderr.hasPrefix("-:5:37: warning: netreach.io/ignore entry ':' names no finding; it is ignored"))
    #expect(run.stdout.contains("[egress-to-cloud-metadata]"))
}

@Test func aListItemWithAnUnprintableNameIsSkippedAloneWithKeepGoing() throws {
    let list = """
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Pod, metadata: {name: "bad\\u0007", namespace: a}}
          - {apiVersion: v1, kind: Pod, metadata: {name: good, namespace: a}}

        """
    let run = try netreach(["list", "-", "--keep-going"], stdin: list)
    #expect(run.status == 0)
    #expect(run.stderr.contains("-:4:50: warning: skipped object: metadata.name 'bad\\x07' cannot be used"))
    #expect(run.stdout.contains("a/good[Pod]"))
}

@Test func aSelectorThatMatchesNothingIsReportedOnce() throws {
    let run = try netreach(["graph", "examples/shop", "-l", "app=nothing", "-o", "/tmp/never-written.svg"])
    #expect(run.status == 2)
    #expect(
        run.stderr == """
            error: -l 'app=nothing' matches no endpoint
              hint: run 'netreach list' to see the endpoint names (namespace/name[Kind])

            """
    )
}

@Test func anErrorAtTheEndOfAFileWithoutAFinalNewlinePointsAtItsLastLine() throws {
    let run = try netreach(["list", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a")
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("-:4:11: error: did not find expected ',' or ']'"), "\(run.stderr)")
}

@Test func aDirectoryGivenAsTheRulesFileIsSaidToBeOne() throws {
    let run = try netreach(["check", "--rules", "examples/shop", "examples/shop"])
    #expect(run.status == 2)
    #expect(
        run.stderr == """
            examples/shop:1:1: error: 'examples/shop' is a directory, not a rules file
              hint: pass the rules file itself, such as k8s/rules.yaml

            """
    )
}

@Test func nonConformantLabelsAreKeptWithALocatedWarning() throws {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {Bad_Key/app: web}}\n"
    let run = try netreach(["list", "-"], stdin: pod)
    #expect(run.status == 0)
    #expect(
        run.stderr.hasPrefix(
            "-:3:44: warning: metadata.labels key 'Bad_Key/app' is kept, but Kubernetes would reject it"
        )
    )
}
