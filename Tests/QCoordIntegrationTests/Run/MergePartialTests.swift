import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `qcoord merge` on jobs that did not finish (issue 15, point 2): the built qcoord, local host,
/// a job SIGKILLed or Ctrl-C'd twice after its first result; one job's directories; a test in
/// two jobs.
@Suite(.serialized) struct MergePartialTests {
    /// `n` SIMPLE tests that each sleep `seconds` and pass (plus `extra` scripts), in a fresh directory.
    static func makeSuite(_ n: Int, seconds: Int, extra: [String: String] = [:]) throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-merge-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var scripts = extra
        for i in 1...n { scripts[String(format: "s%02d_sleep.sh", i)] = "sleep \(seconds)" }
        for (name, body) in scripts {
            try "#!/bin/sh\n\(body)\n".write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            chmod(dir + "/" + name, 0o755)
        }
        return dir
    }

    static func qcoord(_ h: RunHarness, _ args: [String]) throws -> ReportJob.Output {
        try ReportJob.exec(RunHarness.qcoord, args, environment: ["XDG_CACHE_HOME": h.cacheDir])
    }

    static func journalLines(_ jobDir: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: jobDir + "/jobdata/journal.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `qcoord run` (one test at a time) on `suite`, with `act` done once the first result is in the journal.
    static func cutShort(_ h: RunHarness, suite: String, base: String, act: (pid_t) -> Void) throws -> RunHarness.Outcome {
        let job = try h.start(["--job-results-dir", base, "--max-parallel-tasks", "1", suite])
        let deadline = Date().addingTimeInterval(60)
        var jobDir = ""
        while Date() < deadline {
            if jobDir.isEmpty, let link = try? FileManager.default.destinationOfSymbolicLink(atPath: base + "/latest") {
                jobDir = base + "/" + link
            }
            if !jobDir.isEmpty && !journalLines(jobDir).isEmpty { break }
            usleep(50_000)
        }
        act(job.0.processIdentifier)
        let (status, stdout, stderr) = RunHarness.wait(job)
        return RunHarness.Outcome(status: status, stdout: stdout, stderr: stderr, jobDir: jobDir)
    }

    static func latest(_ base: String) throws -> String {
        base + "/" + (try FileManager.default.destinationOfSymbolicLink(atPath: base + "/latest"))
    }

    @Test func aKilledJobIsAnErrorAndWithAllowPartialItsMissingTestsAreInterrupted() throws {
        let h = try RunHarness()
        let suite = try Self.makeSuite(5, seconds: 2)
        let other = try Self.makeSuite(1, seconds: 0, extra: ["z_fail.sh": "exit 1"])
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: suite); try? FileManager.default.removeItem(atPath: other) }
        let killed = try Self.cutShort(h, suite: suite, base: h.resultsDir + "/k") { kill($0, SIGKILL) }
        #expect(killed.status == SIGKILL, "the job ended before it was killed: \(killed.stdout)")
        #expect(Self.journalLines(killed.jobDir).count == 1)
        #expect(!FileManager.default.fileExists(atPath: killed.jobDir + "/jobdata/end.json"))

        // Today's defect: this was `PASS 1`, exit 0.
        let refused = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", killed.jobDir])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("qcoord merge: \(killed.jobDir) did not finish (killed or crashed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("4 of 5 planned tests have no result (pass --allow-partial to merge anyway)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.resultsDir + "/m/latest"))

        // --allow-partial: the four are INTERRUPTED, never ran; exit 8.
        let partial = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", "--allow-partial", killed.jobDir])
        #expect(partial.status == 8, "\(partial.stdout)\(partial.stderr)")
        #expect(partial.stdout.contains("RESULTS    : PASS 1 | ERROR 0 | FAIL 0 | SKIP 0 | WARN 0 | INTERRUPT 4 | CANCEL 0"), "\(partial.stdout)")
        #expect(partial.stderr.contains("warning: \(killed.jobDir) did not finish"), "\(partial.stderr)")
        let mergedDir = try Self.latest(h.resultsDir + "/m")
        let tests = try #require(try RunHarness.results(mergedDir)["tests"] as? [[String: Any]])
        #expect(tests.count == 5)
        let interrupted = tests.filter { $0["status"] as? String == "INTERRUPTED" }
        #expect(interrupted.count == 4)
        #expect(interrupted.allSatisfy { $0["fail_reason"] as? String == "not run (job did not finish)" })
        let journal = Self.journalLines(mergedDir)
        #expect(journal.filter { $0["status"] as? String == "INTERRUPTED" }.allSatisfy { $0["ran"] as? Bool == false })
        let log = try String(contentsOfFile: try #require(interrupted.first?["logfile"] as? String), encoding: .utf8)
        #expect(log.contains("never ran: not run (job did not finish)"))
        #expect(FileManager.default.fileExists(atPath: mergedDir + "/jobdata/end.json"))
        let (valid, why) = try RunHarness.validateSchema([mergedDir + "/results.json"])
        #expect(valid, "\(why)")

        // With a finished job that FAILed: 8 + 1.
        var failing = try h.run(["--job-results-dir", h.resultsDir + "/f", other])
        #expect(failing.status == 1, "\(failing.stderr)")
        failing.jobDir = try Self.latest(h.resultsDir + "/f")
        let end = try String(contentsOfFile: failing.jobDir + "/jobdata/end.json", encoding: .utf8)
        #expect(end.contains("\"interrupted_by_user\":false") && end.contains("\"exit_code\":1"), "\(end)")
        let nine = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m9", "--allow-partial", failing.jobDir, killed.jobDir])
        #expect(nine.status == 9, "\(nine.stdout)\(nine.stderr)")
        #expect(nine.stdout.contains("FAIL 1") && nine.stdout.contains("INTERRUPT 4"), "\(nine.stdout)")

        // Resumed in its directory, the job finishes and merges cleanly.
        let resumed = try Self.qcoord(h, ["run", "--resume", killed.jobDir])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        let clean = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m2", killed.jobDir])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("RESULTS    : PASS 5 |"), "\(clean.stdout)")
    }

    @Test func aJobInterruptedByCtrlCTwiceIsAnError() throws {
        let h = try RunHarness()
        let suite = try Self.makeSuite(4, seconds: 3)
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: suite) }
        let o = try Self.cutShort(h, suite: suite, base: h.resultsDir + "/i") { pid in
            kill(pid, SIGINT)
            usleep(300_000)
            kill(pid, SIGINT)
        }
        #expect(o.status & 8 == 8, "\(o.stdout)\(o.stderr)")
        #expect(FileManager.default.fileExists(atPath: o.jobDir + "/results.json"), "the report is written on Ctrl-C")
        let end = try String(contentsOfFile: o.jobDir + "/jobdata/end.json", encoding: .utf8)
        #expect(end.contains("\"interrupted_by_user\":true"), "\(end)")
        let statuses = RunHarness.statuses(try RunHarness.results(o.jobDir))
        let skipped = statuses.values.filter { $0 == "SKIP" }.count
        #expect(skipped >= 1, "\(statuses)")

        // Today's defect: PASS 1 | INTERRUPT 1 | SKIP 2 merged without a word.
        let refused = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", o.jobDir])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("\(o.jobDir) did not finish (interrupted: Interrupted by user request): "
                                        + "\(skipped) of 4 planned tests have no result"), "\(refused.stderr)")
        let partial = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", "--allow-partial", o.jobDir])
        #expect(partial.status & 8 == 8, "\(partial.stdout)\(partial.stderr)")
        let merged = RunHarness.statuses(try RunHarness.results(try Self.latest(h.resultsDir + "/m")))
        #expect(merged.values.filter { $0 == "SKIP" }.isEmpty && merged.values.filter { $0 == "INTERRUPTED" }.count >= skipped)
    }

    @Test func oneJobsDirectoriesMergeAsOneButATestInTwoJobsIsAnError() throws {
        let h = try RunHarness()
        let suite = try Self.makeSuite(3, seconds: 2)
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: suite) }
        let killed = try Self.cutShort(h, suite: suite, base: h.resultsDir + "/k") { kill($0, SIGKILL) }
        // A CI artifact of the killed job, then the job resumed in its own directory.
        let copy = h.resultsDir + "/artifact/" + (killed.jobDir as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: h.resultsDir + "/artifact", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: killed.jobDir, toPath: copy)
        let resumed = try Self.qcoord(h, ["run", "--resume", killed.jobDir])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")

        // The directory twice (it and `latest`), and the killed copy with it: one job, 3 tests.
        let once = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", killed.jobDir, h.resultsDir + "/k/latest", copy])
        #expect(once.status == 0, "\(once.stdout)\(once.stderr)")
        #expect(once.stdout.contains("MERGED     : 1 jobs, 3 tests"), "\(once.stdout)")
        #expect(once.stdout.contains("RESULTS    : PASS 3 |"), "\(once.stdout)")

        // Two jobs that ran the same test: an error naming both; --allow-partial keeps the first.
        var second = try h.run(["--job-results-dir", h.resultsDir + "/2", suite])
        #expect(second.status == 0)
        second.jobDir = try Self.latest(h.resultsDir + "/2")
        let twice = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m", killed.jobDir, second.jobDir])
        #expect(twice.status == 2, "\(twice.stdout)\(twice.stderr)")
        #expect(twice.stderr.contains("is in both \(killed.jobDir) and \(second.jobDir) (different jobs)"),
                "\(twice.stderr)")
        let kept = try Self.qcoord(h, ["merge", "-o", h.resultsDir + "/m3", "--allow-partial", second.jobDir, killed.jobDir])
        #expect(kept.status == 0, "\(kept.stderr)")
        let tests = try #require(try RunHarness.results(try Self.latest(h.resultsDir + "/m3"))["tests"] as? [[String: Any]])
        #expect(tests.count == 3 && tests.allSatisfy { $0["origin"] as? String == second.jobDir })
    }
}
