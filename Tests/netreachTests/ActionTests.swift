import Foundation
import Testing

/// Runs one phase of the GitHub Action (scripts/action.sh) in `directory` with `environment`, as the action's
/// steps do, against the netreach the tests built.
private func action(_ phase: String, in directory: String, _ environment: [String: String]) throws -> Run {
    let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    return try netreach(
        ["NETREACH=\(executable)"] + assignments + [root + "/scripts/action.sh", phase],
        in: directory,
        program: "/usr/bin/env"
    )
}

/// The inputs `examples/ci/github-actions.yml` gives the action (`with:`), read from its text.
private func exampleInputs() throws -> [String: String] {
    let text = try String(contentsOfFile: root + "/examples/ci/github-actions.yml", encoding: .utf8)
    var inputs: [String: String] = [:]
    var inside = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.trimmingCharacters(in: .whitespaces) == "with:" && inside { continue }
        if line.contains("- uses: ./") {
            inside = true
            continue
        }
        guard inside else { continue }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard line.hasPrefix("          "), let colon = trimmed.firstIndex(of: ":") else {
            if !trimmed.isEmpty && !trimmed.hasPrefix("with:") { inside = false }
            continue
        }
        let value = trimmed[trimmed.index(after: colon)...].split(separator: "#")[0]
        inputs[String(trimmed[..<colon])] = value.trimmingCharacters(in: .whitespaces)
    }
    return inputs
}

/// action.yml is a valid action by the published schema (SchemaStore's github-action.json, shipped by
/// check-jsonschema), and every script step runs a phase that scripts/action.sh has.
@Test func actionIsValidAndItsStepsExist() throws {
    let schema = root + "/.build/schemas/github-actions.json"
    #expect(FileManager.default.fileExists(atPath: schema), "missing \(schema): run 'make deps'")
    let validator = try netreach(
        ["python3", root + "/scripts/validate.py", schema, root + "/action.yml"],
        program: "/usr/bin/env"
    )
    #expect(validator.status == 0, "\(validator.stdout)\(validator.stderr)")
    let text = try String(contentsOfFile: root + "/action.yml", encoding: .utf8)
    let phases = text.matches(of: /scripts\/action\.sh" (\w+)/).map { String($0.1) }
    #expect(phases == ["deps", "build", "audit", "check", "diff", "verdict"])
    // No input is spliced into a script: run lines name no ${{ }} expression.
    for line in text.split(separator: "\n") where line.contains("run:") {
        #expect(!line.contains("${{"), "\(line)")
    }
    for phase in phases where phase != "deps" && phase != "build" {
        let run = try action(phase, in: root, ["PATHS": "examples/shop", "AUDIT_STATUS": "0", "CHECK_STATUS": "0"])
        #expect(run.status != 64, "\(phase): \(run.stderr)")
    }
    #expect(try action("bogus", in: root, [:]).status == 64)
}

/// The example workflow's inputs through the action's phases on a pull request that opens the database: the audit
/// and the check annotate (GitHub commands) and write SARIF, the diff is markdown naming the new flow, the outputs
/// reach GITHUB_OUTPUT, and the verdict fails the job because two rules fail.
@Test func actionPhasesRunTheExampleInputs() throws {
    let inputs = try exampleInputs()
    #expect(inputs["paths"] == "examples/shop")
    #expect(inputs["comment-diff"] == "true")
    let scratch = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let setup = """
        set -e
        cd "\(scratch)"
        mkdir -p examples && cp -R "\(root)/examples/shop" examples/shop
        git init -q . && git add -A
        git -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -q -m base
        git rev-parse HEAD > base.txt
        cp "\(root)/examples/diff/shop-db-open/"*.yaml examples/shop/
        git add -A && git -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -q -m open
        """
    let prepared = try shell(setup)
    #expect(prepared.status == 0, "\(prepared.stderr)")
    let base = try String(contentsOfFile: scratch + "/base.txt", encoding: .utf8).trimmingCharacters(in: .newlines)
    let environment = [
        "PATHS": inputs["paths"] ?? "", "RULES": inputs["rules"] ?? "", "FAIL_ON": inputs["fail-on"] ?? "",
        "SARIF_FILE": inputs["sarif-file"] ?? "", "BASE": base, "DIFF_FILE": scratch + "/diff.md",
        "GITHUB_OUTPUT": scratch + "/output.txt",
    ]
    let audit = try action("audit", in: scratch, environment)
    #expect(audit.status == 0)
    #expect(audit.stdout.contains("::error file=examples/shop/"), "\(audit.stdout)")
    let check = try action("check", in: scratch, environment)
    #expect(check.status == 0)
    #expect(check.stdout.contains("::error file=examples/shop/rules.yaml"))
    let diff = try action("diff", in: scratch, environment)
    #expect(diff.status == 0, "\(diff.stderr)")
    let markdown = try String(contentsOfFile: scratch + "/diff.md", encoding: .utf8)
    #expect(markdown.contains("db/postgres"), "\(markdown)")
    for sarif in ["netreach.sarif", "netreach-check.sarif"] {
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch + "/" + sarif))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(json?["version"] as? String == "2.1.0", "\(sarif)")
    }
    let output = try String(contentsOfFile: scratch + "/output.txt", encoding: .utf8)
    #expect(output.contains("audit-status=1\n"))
    #expect(output.contains("check-status=1\n"))
    #expect(output.contains("check-sarif=netreach-check.sarif\n"))
    #expect(try action("verdict", in: scratch, ["AUDIT_STATUS": "1", "CHECK_STATUS": "1"]).status == 1)
    #expect(try action("verdict", in: scratch, ["AUDIT_STATUS": "0", "CHECK_STATUS": "skipped"]).status == 0)
    #expect(try action("verdict", in: scratch, ["AUDIT_STATUS": "2", "CHECK_STATUS": "0"]).status == 1)
    // Without rules the check is skipped, not failed.
    var noRules = environment
    noRules["RULES"] = ""
    #expect(try action("check", in: scratch, noRules).status == 0)
    #expect(try String(contentsOfFile: scratch + "/output.txt", encoding: .utf8).hasSuffix("check-status=skipped\n"))
}
