import Foundation
import Testing

/// `netreach version` and `--version`: the release and the commit, the same text both ways, and the release is the
/// newest one CHANGELOG.md records.
@Test func versionPrintsTheReleaseAndTheCommit() throws {
    let run = try netreach(["version"])
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let line = run.stdout.trimmingCharacters(in: .newlines)
    let match = line.wholeMatch(of: /netreach (\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)/)
    #expect(match != nil, "\(line)")
    let flag = try netreach(["--version"])
    #expect(flag.status == 0)
    #expect("netreach " + flag.stdout.trimmingCharacters(in: .newlines) == line)
    let changelog = try String(contentsOfFile: root + "/CHANGELOG.md", encoding: .utf8)
    let released = changelog.firstMatch(of: /\n## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}\n/)
    #expect(released.map { String($0.1) } == match.map { String($0.1) })
}

/// Every command's help shows examples, and every example is a command that runs: each is run for real in a
/// scratch git repository where `k8s/` is the shop, `rules.yaml` its rules and `old/`, `new/` two versions of it.
/// A usage error (exit 64) or a crash fails; findings and failed rules (exit 1) are fine.
@Test(arguments: ["", "list", "explain", "diff", "graph", "audit", "check", "version"])
func helpShowsExamplesThatRun(command: String) throws {
    let help = try netreach(command.isEmpty ? ["--help"] : [command, "--help"])
    #expect(help.status == 0)
    let examples = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .compactMap { line -> String? in
            guard let start = line.range(of: "netreach ") else { return nil }
            let command = String(line[start.lowerBound...])
            return line.hasPrefix("netreach ") || line.contains("| netreach ") ? command : nil
        }
    #expect(!examples.isEmpty, "no example in `netreach \(command) --help`")
    let scratch = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let shop = root + "/examples/shop"
    let setup = """
        set -e
        cd "\(scratch)"
        cp -R "\(shop)" k8s && cp -R "\(shop)" old && cp -R "\(root)/examples/diff/shop-db-open" new
        cp k8s/rules.yaml rules.yaml
        git init -q . && git add -A
        git -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -q -m base
        git update-ref refs/remotes/origin/main HEAD
        """
    let prepared = try shell(setup)
    #expect(prepared.status == 0, "\(prepared.stderr)")
    let stdin = try ["namespaces", "workloads", "policies"].map {
        try String(contentsOfFile: "\(shop)/\($0).yaml", encoding: .utf8)
    }.joined(separator: "\n---\n")
    for example in examples {
        let words = example.split(separator: " ").map(String.init).dropFirst()
        let run = try netreach(Array(words), stdin: stdin, in: scratch)
        #expect(!run.signaled && [0, 1].contains(run.status), "\(example): \(run.status) \(run.stderr)")
    }
}

/// The Dockerfile cannot be built here (no Docker; `make lint` runs hadolint on it): its shape is checked instead.
/// Two stages, the build on the official Swift image with the runtime linked in statically, and a final stage of
/// Debian's slim image holding the binary and the libyaml and Graphviz runtime libraries only, run as a non-root user.
@Test func dockerfileBuildsOnSwiftAndShipsOnlyTheBinaryAndItsLibraries() throws {
    let text = try String(contentsOfFile: root + "/Dockerfile", encoding: .utf8)
    let stages = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
    #expect(stages.count == 2)
    #expect(stages.first?.hasPrefix("FROM swift:") == true && stages.first?.hasSuffix(" AS build") == true)
    #expect(stages.last?.hasPrefix("FROM debian:") == true && stages.last?.hasSuffix("-slim") == true)
    let final = text[(text.range(of: String(stages.last ?? ""))?.upperBound ?? text.endIndex)...]
    #expect(final.contains("--no-install-recommends libyaml-0-2 libgvc6"))
    #expect(!final.contains("-dev"))
    #expect(final.contains("COPY --from=build /out/netreach /usr/local/bin/netreach"))
    #expect(final.contains("USER 65532"))
    #expect(final.contains("ENTRYPOINT [\"netreach\"]"))
    #expect(text.contains("--static-swift-stdlib"))
    // Every path the build copies exists, and .dockerignore keeps the build directory out of the context.
    for line in text.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from") {
        let source = line.split(separator: " ")[1]
        #expect(FileManager.default.fileExists(atPath: root + "/" + source), "\(line)")
    }
    let ignored = try String(contentsOfFile: root + "/.dockerignore", encoding: .utf8)
    #expect(ignored.split(separator: "\n").contains(".build"))
}
