import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Slurm's faults (in SlurmRunTests' suite: one testbed, one test at a time): a node set DOWN
/// mid-run is a lost host whose tests run again elsewhere; `scancel` of the job's allocation is
/// a signal (full report, exit 8).
extension SlurmRunTests {
    @Test func aNodeSetDownMidRunLosesNoResult() throws {
        let suite = try Self.sleepers(9, seconds: 6)
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let inventory = try Self.slurmInventory("  slots: 2\n")
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let started = try harness.start(["--inventory", inventory, suite], environment: Self.environment)
        // Once h2 runs a test, Slurm takes the node away.
        let log = Self.waitForLog(harness, "STARTED on h2")
        #expect(log.contains("STARTED on h2"), "\(log.suffix(3000))")
        let down = try Self.scontrol(["scontrol", "update", "nodename=h2", "state=down", "reason=qcoord-test"])
        #expect(down.status == 0, "\(down.out)")
        let out = harness.finish(started)
        // h2 back for the next test: resumed, and registered again (not "idle*").
        _ = try Self.scontrol(["scontrol", "update", "nodename=h2", "state=resume"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? Self.scontrol(["sinfo", "-h", "-n", "h2", "-o", "%t"]))?.out
                .trimmingCharacters(in: .whitespacesAndNewlines) != "idle" {
            usleep(250_000)
        }
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        let tests = try Self.tests(out.jobDir)
        #expect(tests.count == 9)
        #expect(tests.allSatisfy { $0["status"] as? String == "PASS" }, "\(tests.map { "\($0["name"] ?? "") \($0["status"] ?? "")" })")
        let jobLog = String(decoding: FileManager.default.contents(atPath: out.jobDir + "/job.log") ?? Data(), as: UTF8.self)
        #expect(jobLog.contains("h2"), "\(jobLog.suffix(3000))")
        // What h2 was running ran again elsewhere: some test was started twice.
        #expect(jobLog.components(separatedBy: "STARTED on").count - 1 > 9, "\(jobLog.suffix(3000))")
    }

    @Test func scancelGivesAFullReportAndExit8() throws {
        let suite = try Self.sleepers(8, seconds: 40)
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let inventory = try Self.slurmInventory("  slots: 1\n")
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        // Kept under build/artifacts for a person to read when it fails.
        let harness = try RunHarness(resultsDir: ReportJob.artifacts + "/slurm-scancel")
        let started = try harness.start(["--inventory", inventory, suite], environment: Self.environment)
        let log = Self.waitForLog(harness, "STARTED on", count: 3)
        let id = try #require(log.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "slurm: job ") else { return nil }
            let rest = line[r.upperBound...]
            return rest.contains(" holds ") ? String(rest.prefix { $0.isNumber }) : nil
        }.first, "\(log.suffix(3000))")
        let cancel = try Self.scontrol(["scancel", id])
        #expect(cancel.status == 0, "\(cancel.out)")
        let out = harness.finish(started)
        #expect(out.status & 8 == 8, "exit \(out.status)\n\(out.stdout)\n\(out.stderr)")
        let tests = try Self.tests(out.jobDir)
        #expect(tests.count == 8, "\(tests.count)")
        #expect(tests.allSatisfy { ["INTERRUPTED", "CANCEL", "SKIP"].contains($0["status"] as? String ?? "") },
                "\(tests.map { "\($0["name"] ?? "") \($0["status"] ?? "")" })")
        #expect(out.stderr.contains("cancelled (scancel)"), "\(out.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.jobDir + "/results.xml"))
    }

    @Test func theTimeLimitEndsTheJobBeforeSlurmDoes() throws {
        let suite = try Self.sleepers(6, seconds: 40)
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let inventory = try Self.slurmInventory("  slots: 1\n")
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(["--inventory", inventory, "--time", "1", suite], environment: Self.environment)
        // --time 1: the job's own timeout (54 s) ends it with a full report, before Slurm's minute.
        #expect(out.status & 8 == 8, "exit \(out.status)\n\(out.stderr)")
        #expect(out.stderr.contains("Job timeout (54 s) reached"), "\(out.stderr)")
        let tests = try Self.tests(out.jobDir)
        #expect(tests.count == 6)
        #expect(tests.filter { $0["status"] as? String == "PASS" }.count == 3, "\(tests.map { $0["status"] ?? "" })")
        #expect(tests.filter { $0["status"] as? String == "INTERRUPTED" }.count == 3, "\(tests.map { $0["status"] ?? "" })")
        let log = String(decoding: FileManager.default.contents(atPath: out.jobDir + "/job.log") ?? Data(), as: UTF8.self)
        #expect(log.contains("time limit 1 min") && !log.contains("DUE TO TIME LIMIT"), "\(log.suffix(2000))")
    }
}
