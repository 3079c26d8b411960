import Foundation
import Testing

/// Real `qcoord run --shard K/N` jobs merged with real `qcoord merge` equal one unsharded run.
@Suite(.serialized) struct ShardMergeTests {
    static var suite: String { RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/sched/suite").path }

    /// Runs `qcoord ARGS` (no implicit `run`), returning its exit status and output.
    static func qcoord(_ args: [String], environment: [String: String]) throws -> (Int32, String, String) {
        let o = try ReportJob.exec(RunHarness.qcoord, args, environment: environment)
        return (o.status, o.stdout, o.stderr)
    }

    @Test func twoShardsMergedEqualOneUnshardedRun() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let env = ["XDG_CACHE_HOME": h.resultsDir + "/cache"]
        let common = ["--python", RunHarness.venv("113") + "/bin/python", "--arch", "x86_64,aarch64", Self.suite]

        let whole = try h.run(["--job-results-dir", h.resultsDir + "/whole"] + common, environment: env)
        #expect(whole.status == 1, "one FAIL per arch: \(whole.stderr)")
        let wholeDir = try FileManager.default.destinationOfSymbolicLink(atPath: h.resultsDir + "/whole/latest")
        let expected = RunHarness.statuses(try RunHarness.results(h.resultsDir + "/whole/" + wholeDir))
        #expect(expected.count == 14)
        #expect(expected["\(Self.suite)/fail_1.sh;arch=aarch64"] == "FAIL")
        #expect(expected.values.filter { $0 == "PASS" }.count == 12)

        var shardDirs: [String] = []
        var shardNames: [Set<String>] = []
        for k in 1...2 {
            let base = h.resultsDir + "/shard\(k)"
            let o = try h.run(["--job-results-dir", base, "--shard", "\(k)/2"] + common, environment: env)
            #expect(o.status == 0 || o.status == 1, "\(o.stderr)")
            let dir = base + "/" + (try FileManager.default.destinationOfSymbolicLink(atPath: base + "/latest"))
            shardDirs.append(dir)
            shardNames.append(Set(RunHarness.statuses(try RunHarness.results(dir)).keys))
            let args = try String(contentsOfFile: dir + "/jobdata/args.json", encoding: .utf8)
            #expect(args.contains("\"shard\": \"\(k)/2\""))
        }
        // The split is a partition, and `list --shard` shows exactly what `run --shard` ran.
        #expect(shardNames[0].isDisjoint(with: shardNames[1]))
        #expect(!shardNames[0].isEmpty && !shardNames[1].isEmpty)
        let (listStatus, listed, _) = try Self.qcoord(["list", "--arch", "x86_64,aarch64", "--shard", "1/2", Self.suite], environment: env)
        #expect(listStatus == 0)
        #expect(Set(listed.split(separator: "\n").map { String($0.split(separator: " ", omittingEmptySubsequences: true).last ?? "") }) == shardNames[0])

        let (status, out, err) = try Self.qcoord(["merge", "-o", h.resultsDir + "/merged"] + shardDirs.reversed(), environment: env)
        #expect(status == 1, "\(out)\(err)")
        #expect(out.contains("RESULTS    : PASS 12 | ERROR 0 | FAIL 2 | SKIP 0 | WARN 0 | INTERRUPT 0 | CANCEL 0"))
        let mergedDir = h.resultsDir + "/merged/" + (try FileManager.default.destinationOfSymbolicLink(atPath: h.resultsDir + "/merged/latest"))
        let merged = try RunHarness.results(mergedDir)
        #expect(RunHarness.statuses(merged) == expected)
        #expect(merged["total"] as? Int == 14)
        #expect(merged["pass"] as? Int == 12)
        #expect(merged["failures"] as? Int == 2)
        let tests = try #require(merged["tests"] as? [[String: Any]])
        // Renumbered 1…14 (shard 1 first), every test directory copied with its output, origin kept.
        #expect(tests.compactMap { $0["id"] as? String }.map { String($0.prefix(3)) } == (1...14).map { String(format: "%02d-", $0) })
        for t in tests {
            let name = try #require(t["name"] as? String)
            let origin = try #require(t["origin"] as? String)
            #expect(origin == shardDirs[shardNames[0].contains(name) ? 0 : 1])
            let logdir = try #require(t["logdir"] as? String)
            #expect(logdir.hasPrefix(mergedDir + "/test-results/"))
            #expect(FileManager.default.fileExists(atPath: logdir + "/debug.log"))
        }
        for file in ["id", "job.log", "results.xml", "results.tap", "results.html", "jobdata/journal.jsonl", "jobdata/args.json"] {
            #expect(FileManager.default.fileExists(atPath: mergedDir + "/" + file), "\(file)")
        }
        let tap = try String(contentsOfFile: mergedDir + "/results.tap", encoding: .utf8)
        #expect(tap.hasPrefix("1..14\n"))
        let xml = try String(contentsOfFile: mergedDir + "/results.xml", encoding: .utf8)
        #expect(xml.contains("tests=\"14\"") && xml.contains("failures=\"2\""))
    }

    @Test func missingShardOrDuplicateTestIsAnErrorUnlessPartial() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let env = ["XDG_CACHE_HOME": h.resultsDir + "/cache"]
        let o = try h.run(["--python", RunHarness.venv("113") + "/bin/python", "--shard", "1/3", Self.suite], environment: env)
        #expect(o.status == 0 || o.status == 1, "\(o.stderr)")
        let one = o.jobDir
        let ran = RunHarness.statuses(try RunHarness.results(one)).count

        var (status, _, err) = try Self.qcoord(["merge", "-o", h.resultsDir + "/m", one], environment: env)
        #expect(status == 2)
        #expect(err.contains("shards 2/3, 3/3 missing: their tests have no result (pass --allow-partial to merge anyway)"), "\(err)")
        // Merged anyway: the merge is incomplete, so interrupted (8) on top of the shard's own bits.
        (status, _, err) = try Self.qcoord(["merge", "-o", h.resultsDir + "/m", "--allow-partial", one, one], environment: env)
        #expect(status == 8 || status == 9, "\(err)")
        #expect(err.contains("warning: shards 2/3, 3/3 missing"), "\(err)")
        let merged = try RunHarness.results(h.resultsDir + "/m/" + (try FileManager.default.destinationOfSymbolicLink(atPath: h.resultsDir + "/m/latest")))
        #expect(merged["total"] as? Int == ran)
        // The same directory twice is one job: still only shard 1 of 3.
        (status, _, err) = try Self.qcoord(["merge", "-o", h.resultsDir + "/m2", one, one], environment: env)
        #expect(status == 2)
        #expect(err.contains("shards 2/3, 3/3 missing") && !err.contains("are both shard"), "\(err)")
        // Two different jobs as the same shard.
        _ = try h.run(["--job-results-dir", h.resultsDir + "/again", "--python", RunHarness.venv("113") + "/bin/python",
                       "--shard", "1/3", Self.suite], environment: env)
        let again = h.resultsDir + "/again/" + (try FileManager.default.destinationOfSymbolicLink(atPath: h.resultsDir + "/again/latest"))
        (status, _, err) = try Self.qcoord(["merge", "-o", h.resultsDir + "/m3", one, again], environment: env)
        #expect(status == 2)
        #expect(err.contains("are both shard 1/3"), "\(err)")
    }
}
