import Foundation
import Testing

/// `qcoord run --retries` end to end: the built binary, the local agent, real Avocado, real
/// failing tests — one that always fails and one that fails only the first time.
@Suite(.serialized) struct RetryRunTests {
    let venv113 = RunHarness.venv("113")
    static var flaky: String { RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/faults/flaky.sh").path }

    @Test func retriesRerunFailuresCountFlakyAndKeepEveryAttemptsLogs() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = h.resultsDir + "-flaky-marker"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let o = try h.run(["--python", venv113 + "/bin/python", "--retries", "2", "--max-parallel-tasks", "1",
                           "--env", "QCOORD_FLAKY_MARKER=\(marker)", Self.flaky, "examples/failing/simple_fail.sh"])
        // simple_fail.sh still fails after its retries: exit bit 1.
        #expect(o.status == 1, "\(o.stdout)\n\(o.stderr)")
        let results = try RunHarness.results(o.jobDir)
        let tests = try #require(results["tests"] as? [[String: Any]])
        let flaky = try #require(tests.first { ($0["name"] as? String)?.hasSuffix("flaky.sh") == true })
        let failing = try #require(tests.first { ($0["name"] as? String) == "examples/failing/simple_fail.sh" })

        #expect(flaky["status"] as? String == "PASS")
        #expect(flaky["flaky"] as? Bool == true)
        let flakyAttempts = try #require(flaky["attempts"] as? [[String: Any]])
        #expect(flakyAttempts.map { $0["status"] as? String } == ["FAIL", "PASS"])

        #expect(failing["status"] as? String == "FAIL")
        #expect(failing["flaky"] as? Bool == false)
        let failingAttempts = try #require(failing["attempts"] as? [[String: Any]])
        #expect(failingAttempts.map { $0["status"] as? String } == ["FAIL", "FAIL", "FAIL"])
        #expect(results["flaky"] as? Int == 1)
        #expect(results["failures"] as? Int == 1 && results["pass"] as? Int == 1)

        // The test dir holds the last attempt; attempt-N/ the earlier ones.
        let flakyDir = try #require(flaky["logdir"] as? String)
        #expect(try String(contentsOfFile: flakyDir + "/stdout", encoding: .utf8).contains("second run: pass"))
        #expect(try String(contentsOfFile: flakyDir + "/attempt-1/stdout", encoding: .utf8).contains("first run: fail"))
        #expect(FileManager.default.fileExists(atPath: flakyDir + "/attempt-1/debug.log"))
        let failDir = try #require(failing["logdir"] as? String)
        for n in 1...2 {
            #expect(try String(contentsOfFile: failDir + "/attempt-\(n)/stdout", encoding: .utf8).contains("about to fail"))
        }
        #expect(!FileManager.default.fileExists(atPath: failDir + "/attempt-3"))

        // Summary line, JUnit flaky/rerun elements, HTML, args, schema.
        #expect(o.stdout.contains("\nFLAKY      : 1 passed on a retry: "))
        let xml = try String(contentsOfFile: o.jobDir + "/results.xml", encoding: .utf8)
        #expect(xml.contains("<flakyFailure"))
        #expect(xml.components(separatedBy: "<rerunFailure").count - 1 == 2)
        #expect(try String(contentsOfFile: o.jobDir + "/results.html", encoding: .utf8).contains("FLAKY 1"))
        #expect(try String(contentsOfFile: o.jobDir + "/jobdata/args.json", encoding: .utf8).contains("\"retries\""))
        let (valid, output) = try RunHarness.validateSchema([o.jobDir + "/results.json"])
        #expect(valid, "\(output)")
    }

    @Test func withoutRetriesAFailureIsFinal() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = h.resultsDir + "-flaky-marker"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let o = try h.run(["--python", venv113 + "/bin/python", "--env", "QCOORD_FLAKY_MARKER=\(marker)", Self.flaky])
        #expect(o.status == 1, "\(o.stdout)\n\(o.stderr)")
        let tests = try #require(try RunHarness.results(o.jobDir)["tests"] as? [[String: Any]])
        #expect(tests.first?["status"] as? String == "FAIL")
        #expect((tests.first?["attempts"] as? [Any])?.count == 1)
        #expect(!o.stdout.contains("FLAKY"))
    }
}
