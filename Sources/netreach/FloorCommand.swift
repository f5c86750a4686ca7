import ArgumentParser
import Foundation
import YAMLTree

/// `netreach floor FILE...` (hidden): the physical floor of reading manifests. libyaml, as netreach links it, parses
/// each file to events and nothing more; the benchmark times it beside the commands (issue 18: targets are ratios
/// to this floor).
struct FloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Time libyaml alone: parse each file to events, build nothing (for the benchmark).",
        shouldDisplay: false
    )

    @Argument(help: "YAML or JSON files.")
    var files: [String]

    func run() throws {
        var events = 0
        var bytes = 0
        let start = Date()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read '\(file.escapedForDisplay)'")
            }
            let input = [UInt8](data)
            bytes += input.count
            do {
                events += try YAMLParser.countEvents(in: input)
            } catch {
                throw ValidationError("'\(file.escapedForDisplay)': \(error)")
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("\(events) events, \(bytes) bytes, \(String(format: "%.3f", seconds)) s")
    }
}
