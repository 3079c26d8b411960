import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `qcoord run --resume` and `qcoord replay` end to end on the local host: the built binary,
/// its embedded agent, a coordinator SIGKILLed mid-job.
@Suite(.serialized) struct ResumeReplayTests {
    /// Two quick tests (a PASS, a FAIL) and two 6 s ones, in a fresh directory.
    static func makeSuite() throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-resume-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, body) in [("a_pass.sh", "exit 0"), ("b_fail.sh", "exit 1"), ("c_slow.sh", "sleep 6"), ("d_slow.sh", "sleep 6")] {
            try "#!/bin/sh\n\(body)\n".write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            chmod(dir + "/" + name, 0o755)
        }
        return dir
    }

    static func qcoord(_ harness: RunHarness, _ args: [String]) throws -> RunHarness.Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RunHarness.qcoord)
        p.arguments = args
        p.currentDirectoryURL = RunHarness.repoRoot
        p.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": harness.cacheDir]) { _, new in new }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return harness.finish((p, out, err))
    }

    static func events(_ path: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A job killed (SIGKILL) with two results in its journal, two tests mid-run and a torn last line.
    static func killedJob(_ h: RunHarness, suite: String) throws -> String {
        let eventsFile = h.resultsDir + "-events.ndjson"
        let run = try h.start(["--python", RunHarness.venv("113") + "/bin/python", "--max-parallel-tasks", "4",
                               "--json-events", eventsFile, suite])
        let end = Date().addingTimeInterval(60)
        while Date() < end {
            let evs = events(eventsFile)
            let finished = evs.filter { $0["event"] as? String == "test_finished" }.count
            let slow = evs.filter { $0["event"] as? String == "test_started" && ($0["name"] as? String)?.contains("slow") == true }.count
            if finished == 2 && slow == 2 { break }
            usleep(100_000)
        }
        kill(run.0.processIdentifier, SIGKILL)
        let out = h.finish(run)
        #expect(run.0.terminationReason == .uncaughtSignal, "the job ended before it was killed: \(out.stdout)")
        // As a SIGKILL in the middle of a journal write leaves it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out.jobDir + "/jobdata/journal.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"actual_time_end\": 17".utf8))
        try handle.close()
        return out.jobDir
    }

    /// The uids of the journal's lines; -1 for a line that is not a whole JSON object.
    static func journalUIDs(_ jobDir: String) throws -> [Int] {
        try String(contentsOfFile: jobDir + "/jobdata/journal.jsonl", encoding: .utf8).split(separator: "\n").map { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["uid"] as? Int ?? -1
        }
    }

    @Test func resumeRunsOnlyTestsWithoutAResultInTheSameJob() throws {
        let h = try RunHarness()
        let suite = try Self.makeSuite()
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: suite) }
        let jobDir = try Self.killedJob(h, suite: suite)
        #expect(FileManager.default.fileExists(atPath: jobDir + "/jobdata/replay.json"))
        #expect(!FileManager.default.fileExists(atPath: jobDir + "/results.json"))
        let before = try Self.journalUIDs(String(jobDir)).sorted()
        #expect(before == [-1, 1, 2], "two results and the torn line")

        let o = try Self.qcoord(h, ["run", "--resume", jobDir])
        #expect(o.status == 1, "one FAIL from the first run: \(o.stdout)\n\(o.stderr)")
        #expect(o.stdout.contains("(3/4) \(suite)/c_slow.sh:  PASS") && o.stdout.contains("(4/4) \(suite)/d_slow.sh:  PASS"), "\(o.stdout)")
        #expect(!o.stdout.contains("(1/4)") && !o.stdout.contains("(2/4)"), "\(o.stdout)")
        #expect(o.stderr.contains("was skipped and cut off"), "\(o.stderr)")
        let log = try String(contentsOfFile: jobDir + "/job.log", encoding: .utf8)
        #expect(log.contains("resuming job") && log.contains("2 of 4 tests have their result"))
        #expect(log.contains("last line (22 bytes"), "\(log)")

        let results = try RunHarness.results(jobDir)
        let tests = (results["tests"] as? [[String: Any]]) ?? []
        #expect(tests.compactMap { $0["id"] as? String } == ["1-\(suite)/a_pass.sh", "2-\(suite)/b_fail.sh",
                                                             "3-\(suite)/c_slow.sh", "4-\(suite)/d_slow.sh"])
        #expect(tests.compactMap { $0["status"] as? String } == ["PASS", "FAIL", "PASS", "PASS"])
        #expect(try Self.journalUIDs(jobDir).sorted() == [1, 2, 3, 4])
        for name in ["results.xml", "results.tap", "results.html"] {
            #expect(FileManager.default.fileExists(atPath: jobDir + "/" + name), "\(name)")
        }
        // The rerun tests' directories hold only the new run (the killed one's files were removed).
        let slow = try String(contentsOfFile: (tests[2]["logdir"] as? String ?? "") + "/debug.log", encoding: .utf8)
        #expect(!slow.isEmpty)
    }

    @Test func replayRunsTheRecordedTestsAgainAsANewJob() throws {
        let h = try RunHarness()
        let suite = try Self.makeSuite()
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: suite) }
        let jobDir = try Self.killedJob(h, suite: suite)

        // --failed: b_fail (FAIL) and the two killed mid-run (no result); a_pass is not run again.
        let failed = try Self.qcoord(h, ["replay", jobDir, "--failed", "--max-parallel-tasks", "1"])
        #expect(failed.status == 1, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.jobDir != jobDir)
        #expect(failed.stderr.contains("SRC JOB    : \(jobDir) (3 of 4 tests)"), "\(failed.stderr)")
        let tests = (try RunHarness.results(failed.jobDir)["tests"] as? [[String: Any]]) ?? []
        #expect(tests.compactMap { $0["id"] as? String } == ["1-\(suite)/b_fail.sh", "2-\(suite)/c_slow.sh", "3-\(suite)/d_slow.sh"])
        // The override took: one test at a time.
        let args = try String(contentsOfFile: failed.jobDir + "/jobdata/replay.json", encoding: .utf8)
        #expect(args.contains("\"--max-parallel-tasks\",\"1\""), "\(args)")
        let starts = tests.compactMap { $0["actual_time_start"] as? Double }.sorted()
        let ends = tests.compactMap { $0["actual_time_end"] as? Double }.sorted()
        #expect(starts.count == 3 && starts[2] >= ends[1] - 0.05, "ran one at a time")

        // A replay of the replay, only its failure: just b_fail.
        let again = try Self.qcoord(h, ["replay", failed.jobDir, "--failed"])
        #expect(again.status == 1)
        let againTests = (try RunHarness.results(again.jobDir)["tests"] as? [[String: Any]]) ?? []
        #expect(againTests.compactMap { $0["name"] as? String } == ["\(suite)/b_fail.sh"])
    }

    @Test func aDirectoryWithoutARecordIsRefusedWithTheReason() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let dir = h.resultsDir + "/old-job"
        try FileManager.default.createDirectory(atPath: dir + "/jobdata", withIntermediateDirectories: true)
        try "0123456789012345678901234567890123456789\n".write(toFile: dir + "/id", atomically: true, encoding: .utf8)
        let o = try Self.qcoord(h, ["replay", dir])
        #expect(o.status == 2)
        #expect(o.stderr.contains("replay.json is missing") && o.stderr.contains("cannot be resumed or replayed"), "\(o.stderr)")
        let r = try Self.qcoord(h, ["run", "--resume", dir, "tests/"])
        #expect(r.status == 2 && r.stderr.contains("'--resume' runs the job's recorded tests"), "\(r.stderr)")
    }
}
