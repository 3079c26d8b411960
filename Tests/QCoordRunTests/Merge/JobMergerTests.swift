import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// `JobMerger`'s rules on values: when a job did not finish, what its missing tests become,
/// which problems a merge has, and how directories of one job are combined.
@Suite struct JobMergerTests {
    static func tests(_ n: Int) -> [TestCase] {
        (1...n).map { TestCase(kind: .simple, name: "t\($0).sh", uri: "t\($0).sh") }
    }

    static func result(_ uid: Int, _ status: TestStatus, ran: Bool = true, reason: String? = nil, end: Double = 100,
                       total: Int = 4) -> TestResult {
        TestResult(uid: uid, id: TestResult.testID(uid: uid, name: "t\(uid).sh", total: total), name: "t\(uid).sh",
                   kind: .simple, status: status, failReason: reason, actualTimeEnd: end, ran: ran)
    }

    static func end(user: Bool = false, interruption: String? = nil, time: Double = 1) -> JobEnd {
        JobEnd(jobID: "j", tests: 4, interruption: interruption, interruptedByUser: user, exitCode: [], time: time)
    }

    static func source(_ dir: String, id: String = "j", results: [TestResult], planned: Int? = 4, end: JobEnd? = nil,
                       hasReport: Bool = false, shard: Shard? = nil) -> JobMerger.Source {
        JobMerger.Source(dir: dir, jobID: id, shard: shard, results: results, planned: planned.map(tests),
                         end: end, hasReport: hasReport)
    }

    @Test func killedJobDidNotFinishAndItsMissingTestsAreInterruptedNotRun() throws {
        let s = Self.source("/r/job-k", results: [Self.result(1, .pass)])
        #expect(s.completion == .unfinished(cause: "killed or crashed: no jobdata/end.json, no results.json"))
        #expect(s.missingCount == 3 && s.plannedCount == 4)
        let rows = s.rows
        #expect(rows.map(\.name) == ["t1.sh", "t2.sh", "t3.sh", "t4.sh"])
        #expect(rows.map(\.status) == [.pass, .interrupted, .interrupted, .interrupted])
        #expect(rows.dropFirst().allSatisfy { !$0.ran && $0.failReason == "not run (job did not finish)" })
        #expect(rows[1].id == "2-t2.sh")

        let problems = JobMerger.problems([s])
        #expect(problems == [.unfinished("/r/job-k", cause: "killed or crashed: no jobdata/end.json, no results.json",
                                         missing: 3, planned: 4)])
        #expect(problems[0].description.contains("/r/job-k did not finish")
                && problems[0].description.contains("3 of 4 planned tests have no result (pass --allow-partial to merge anyway)"))
        #expect(throws: JobMerger.MergeError.self) { try JobMerger.validate([s], allowPartial: false) }
        let (ordered, found) = try JobMerger.validate([s], allowPartial: true)
        #expect(ordered.count == 1 && found.count == 1)
        #expect(JobMerger.interruption(ordered, problems: found) == "/r/job-k did not finish")
    }

    @Test func ctrlCThatSkippedTestsDidNotFinishButFailfastDid() {
        let skipped = [Self.result(1, .fail), Self.result(2, .interrupted),
                       Self.result(3, .skip, ran: false, reason: "Interrupted by user request"),
                       Self.result(4, .skip, ran: false, reason: "Interrupted by user request")]
        let user = Self.source("/r/u", results: skipped, end: Self.end(user: true, interruption: "Interrupted by user request"),
                               hasReport: true)
        #expect(user.completion == .unfinished(cause: "interrupted: Interrupted by user request"))
        #expect(user.missingCount == 2)
        #expect(user.rows.map(\.status) == [.fail, .interrupted, .interrupted, .interrupted])
        #expect(user.rows[3].failReason == JobMerger.notRunReason && !user.rows[3].ran)

        // Ctrl-C after the last test started: every test has a result; finished, still interrupted.
        let late = Self.source("/r/l", results: (1...4).map { Self.result($0, .pass) },
                               end: Self.end(user: true, interruption: "Interrupted by user request"), hasReport: true)
        #expect(late.completion == .finished(interruption: "Interrupted by user request"))

        let failfast = Self.source("/r/f", results: [Self.result(1, .fail)] + (2...4).map {
            Self.result($0, .skip, ran: false, reason: "Interrupting job (failfast).")
        }, end: Self.end(interruption: "Interrupting job (failfast)."), hasReport: true)
        #expect(failfast.completion == .finished(interruption: "Interrupting job (failfast)."))
        #expect(failfast.rows.map(\.status) == [.fail, .skip, .skip, .skip])
        #expect(JobMerger.problems([failfast]).isEmpty)
        #expect(JobMerger.interruption([failfast], problems: []) == "/r/f: Interrupting job (failfast).")
    }

    @Test func directoriesWithoutEndRecordAreJudgedByResultsJSONAndTheJournal() {
        let all = (1...4).map { Self.result($0, .pass) }
        // Written before end.json existed: finished when results.json is there and the journal is whole.
        #expect(Self.source("/r/old", results: all, hasReport: true).completion == .finished(interruption: nil))
        #expect(Self.source("/r/old", results: all, planned: nil, hasReport: true).completion == .finished(interruption: nil))
        // A stale results.json (resumed, then killed again): planned tests lack a result.
        if case .unfinished = Self.source("/r/old", results: Array(all.prefix(2)), hasReport: true).completion {} else {
            Issue.record("a journal without every planned test is unfinished")
        }
        // An old Ctrl-C'd job.
        var ctrlC = all
        ctrlC[3] = Self.result(4, .skip, ran: false, reason: "Interrupted by user request")
        #expect(Self.source("/r/old", results: ctrlC, hasReport: true).completion
                == .unfinished(cause: "interrupted: Interrupted by user request"))
        // Killed after its last result, before the report: no end record, no results.json.
        let s = Self.source("/r/k", results: all)
        #expect(s.missingCount == 0)
        if case .finished = s.completion { Issue.record("no end record and no report: did not finish") }
    }

    @Test func aTestInTwoDifferentJobsIsAnErrorButOneJobsDirectoriesCombine() throws {
        let a = Self.source("/r/a", id: "A", results: (1...4).map { Self.result($0, .pass) }, end: Self.end())
        let b = Self.source("/r/b", id: "B", results: [Self.result(1, .fail)], planned: 1, end: Self.end())
        #expect(JobMerger.problems([a, b]) == [.duplicate(test: "t1.sh", first: "/r/a", second: "/r/b")])
        #expect(JobMerger.problems([a, b])[0].description.contains("(different jobs)"))

        // The same directory twice (e.g. it and `latest`): one job.
        let (once, p1) = try JobMerger.validate([a, a], allowPartial: false)
        #expect(once.count == 1 && p1.isEmpty)

        // Two copies of one job: a killed one and the resumed one; per test the result that ran
        // (then the later one) wins, the end record of the copy that has one.
        let killed = Self.source("/ci/1/job", id: "J", results: [Self.result(1, .pass, end: 10), Self.result(2, .fail, end: 11)])
        let resumed = Self.source("/ci/2/job", id: "J", results: [Self.result(1, .pass, end: 10), Self.result(2, .fail, end: 11),
                                                                   Self.result(3, .pass, end: 20), Self.result(4, .pass, end: 21)],
                                  end: Self.end(time: 30))
        let (combined, p2) = try JobMerger.validate([killed, resumed], allowPartial: false)
        #expect(p2.isEmpty)
        #expect(combined.count == 1)
        #expect(combined[0].completion == .finished(interruption: nil))
        #expect(combined[0].rows.map(\.status) == [.pass, .fail, .pass, .pass])
        #expect(combined[0].rows[2].origin == "/ci/2/job" && combined[0].rows[0].origin == nil)
        #expect(combined[0].copies == ["/ci/2/job"])

        // A copy that never ran a test does not replace one that did.
        let notRun = Self.source("/ci/3/job", id: "J", results: [Self.result(3, .skip, ran: false, reason: "x", end: 99)])
        let c = JobMerger.combine([resumed, notRun])
        #expect(c[0].rows[2].status == .pass)
    }

    /// A merge is readable (0755) unless a merged job directory is private (0700): then so is the merge.
    @Test(arguments: [(0o755, 0o755), (0o700, 0o700)])
    func aMergeOfAPrivateJobIsPrivate(sourceMode: Int, merged: Int) throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "qcoord-merge-modes-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        let a = root + "/a", b = root + "/b"
        for dir in [a, b] { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try fm.setAttributes([.posixPermissions: sourceMode], ofItemAtPath: b)
        let sources = [Self.source(a, id: "A", results: [Self.result(1, .pass, total: 2)], planned: nil, end: Self.end()),
                       Self.source(b, id: "B", results: [Self.result(2, .fail, total: 2)], planned: nil, end: Self.end())]
        let summary = try JobMerger.merge(sources, base: root + "/merged", cmdline: ["qcoord", "merge"], pwd: root)
        let mode = try fm.attributesOfItem(atPath: summary.jobDir)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o077 == 0 } == (merged == 0o700), "\(String(mode ?? -1, radix: 8))")
        let log = try fm.attributesOfItem(atPath: summary.jobDir + "/job.log")[.posixPermissions] as? Int
        #expect(log.map { $0 & 0o077 == 0 } == (merged == 0o700))
    }

    @Test func missingShardIsAnErrorAndMarksTheMergeInterrupted() throws {
        let one = Self.source("/r/s1", id: "S1", results: [Self.result(1, .pass)], planned: 1, end: Self.end(),
                              shard: Shard(index: 1, total: 3))
        let problems = JobMerger.problems([one])
        #expect(problems == [.shardMissing(total: 3, missing: [2, 3])])
        #expect(problems[0].description.hasPrefix("shards 2/3, 3/3 missing: their tests have no result"))
        #expect(JobMerger.interruption([one], problems: problems) == "shards 2/3, 3/3 missing")
        #expect(JobMerger.MergeError.several(problems + problems).all.count == 2)
    }
}
