import ArgumentParser
import Foundation
import QCoordRun

extension QCoord {
    /// `qcoord history [REF]`: what the timing history knows about tests.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show recorded test durations (median/last) and pass/fail counts.",
            discussion: """
                The history lives in $XDG_CACHE_HOME/qcoord/history.sqlite (else ~/.cache/qcoord/history.sqlite); \
                every 'qcoord run' records each test that ran. 'run' schedules the longest tests first from it. \
                For CI shards, export it and pass the file to '--timings' (a shard split never reads the local history).
                """)

        @Argument(help: ArgumentHelp("Only tests whose id contains this text (e.g. a file name, or ';arch=aarch64').", valueName: "REF"))
        var reference: String?

        @Option(help: ArgumentHelp("Write the expected durations (median per test) to FILE, for '--timings'.", valueName: "FILE"))
        var export: String?

        @Option(help: ArgumentHelp("The history database (default: under the user's cache dir).", valueName: "PATH"))
        var database: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let path = database ?? TimingHistory.defaultPath(environment: environment)
            let history: TimingHistory
            do { history = try TimingHistory(path: path) } catch {
                throw ValidationError("cannot open the timing history \(path): \(error)")
            }
            let rows = try history.summaries(matching: reference)
            if let export {
                var timings = try history.timings()
                let keep = Set(rows.map(\.test))
                timings.durations = timings.durations.filter { keep.contains($0.key) }
                do {
                    try Data(TimingsFile.render(timings).utf8).write(to: URL(fileURLWithPath: export))
                } catch {
                    throw ValidationError("cannot write '--export' file '\(export)': \(error.localizedDescription)")
                }
                print("\(timings.durations.count) test durations written to \(export)")
                return
            }
            guard !rows.isEmpty else {
                print(reference.map { "No recorded test matches '\($0)' in \(path)" } ?? "No test recorded yet in \(path)")
                return
            }
            var table = [["Test", "Runs", "Pass", "Fail", "Median", "Last", "Last status"]]
            for r in rows {
                table.append([r.test, String(r.runs), String(r.passed), String(r.failed),
                              r.median.map(Self.seconds) ?? "-", r.last.map(Self.seconds) ?? "-", r.lastStatus])
            }
            print(Self.table(table), terminator: "")
        }

        static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }

        static func table(_ rows: [[String]]) -> String {
            var widths = [Int](repeating: 0, count: rows.first?.count ?? 0)
            for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
            return rows.map { row in
                var line = row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
                while line.last == " " { line.removeLast() }
                return line
            }.joined(separator: "\n") + "\n"
        }
    }
}
