import Foundation
import Testing

/// Avocado's habits: `--json -` / `--xunit -` / `--tap -` write that report to stdout (the human
/// output goes to stderr), `--show-job-log` streams job.log to stdout instead of the human output.
@Suite struct StdoutOutputTests {
    static let tests = ["Tests/Fixtures/run/tests/pass.sh", "Tests/Fixtures/run/tests/fail.sh"]
    static var python: String { RunHarness.venv("113") + "/bin/python" }

    @Test func jsonToStdoutIsTheJobsResultsJSONAndNothingElse() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run(["--python", Self.python, "--json", "-"] + Self.tests)
        #expect(o.status == 1, "\(o.stderr)")
        let file = try String(contentsOfFile: o.jobDir + "/results.json", encoding: .utf8)
        #expect(o.stdout == (file.hasSuffix("\n") ? file : file + "\n"), "\(o.stdout.prefix(300))")
        let parsed = try JSONSerialization.jsonObject(with: Data(o.stdout.utf8)) as? [String: Any]
        #expect(parsed?["failures"] as? Int == 1 && parsed?["pass"] as? Int == 1, "\(parsed ?? [:])")
        // The human output is on stderr, whole.
        #expect(o.stderr.hasPrefix("JOB ID     : ") && o.stderr.contains("RESULTS    : PASS 1 | ERROR 0 | FAIL 1 |"), "\(o.stderr)")
        #expect(!FileManager.default.fileExists(atPath: RunHarness.repoRoot.path + "/-"))
    }

    @Test func xunitAndTapToStdout() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let xml = try h.run(["--python", Self.python, "--xunit", "-"] + Self.tests)
        #expect(xml.stdout.hasPrefix("<?xml") && xml.stdout.contains("<testsuite "), "\(xml.stdout.prefix(300))")
        #expect(!xml.stdout.contains("RESULTS"))
        let tap = try h.run(["--python", Self.python, "--tap", "-"] + Self.tests)
        #expect(tap.stdout == "1..2\nok 1 Tests/Fixtures/run/tests/pass.sh\nnot ok 2 Tests/Fixtures/run/tests/fail.sh\n", "\(tap.stdout)")
    }

    @Test func showJobLogStreamsJobLogInsteadOfTheHumanOutput() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run(["--python", Self.python, "--show-job-log"] + Self.tests)
        #expect(o.status == 1, "\(o.stderr)")
        let log = try String(contentsOfFile: o.jobDir + "/job.log", encoding: .utf8)
        // Every job.log line, in order (the agent's stderr included); no human lines.
        #expect(o.stdout == log, "\(o.stdout)")
        #expect(o.stdout.contains("qcoord INFO | Command line: "))
        #expect(o.stdout.contains("Tests/Fixtures/run/tests/fail.sh: FAIL on local"), "\(o.stdout)")
        #expect(!o.stdout.contains("JOB ID") && !o.stdout.contains("RESULTS    :"))
        #expect(!o.stderr.contains("RESULTS"), "\(o.stderr)")
    }

    @Test(arguments: [["--json", "-", "--tap", "-"], ["--show-job-log", "--xunit", "-"], ["--json-events", "-", "--json", "-"]])
    func twoWritersOfStdoutAreRefused(flags: [String]) throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run(flags + ["Tests/Fixtures/run/tests/pass.sh"])
        #expect(o.status == 2 && o.stderr.contains("stdout"), "\(o.stderr)")
    }
}
