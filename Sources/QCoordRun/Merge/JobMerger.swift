import Foundation
import QCoordCore
import QCoordReport

/// `qcoord merge`: one job report from several job directories (CI shards, or separate runs).
///
/// Tests are renumbered in order (shards by K, other jobs as given; each job's tests by uid),
/// their test-results directories copied under the new ids, each test's `origin` set to the job
/// directory it came from, and every file of the job directory rendered again (id, job.log,
/// results.json/xml/tap/html, jobdata/ with a journal, test-results/). Results come from each
/// job's jobdata/journal.jsonl (every field, the test kind included) and the shard from
/// jobdata/args.json.
public enum JobMerger {
    /// The reason given to a planned test of a job that did not finish and has no result.
    public static let notRunReason = "not run (job did not finish)"

    public enum MergeError: Error, CustomStringConvertible, Equatable {
        case notAJob(String, reason: String)
        case duplicate(test: String, first: String, second: String)
        case shardMissing(total: Int, missing: [Int])
        case shardTwice(String, String, shard: String)
        case mixedShards(String)
        /// A job that did not finish: `missing` of its `planned` tests have no result.
        case unfinished(String, cause: String, missing: Int, planned: Int)
        /// Several of the above, each on its own line.
        case several([MergeError])

        public var description: String {
            let hint = " (pass --allow-partial to merge anyway)"
            switch self {
            case .notAJob(let dir, let reason):
                return "\(dir) is not a qcoord job directory: \(reason)"
            case .duplicate(let test, let first, let second):
                return "test \(test) is in both \(first) and \(second) (different jobs)" + hint
            case .shardMissing(let total, let missing):
                return "shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(total)" }.joined(separator: ", ")) missing: "
                    + "\(missing.count > 1 ? "their" : "its") tests have no result" + hint
            case .shardTwice(let a, let b, let shard):
                return "\(a) and \(b) are both shard \(shard)" + hint
            case .mixedShards(let why):
                return why + hint
            case .unfinished(let dir, let cause, let missing, let planned):
                return "\(dir) did not finish (\(cause)): \(missing) of \(planned) planned tests have no result" + hint
            case .several(let errors):
                return errors.map(\.description).joined(separator: "\n")
            }
        }

        /// One error per line (`several` flattened).
        public var all: [MergeError] {
            if case .several(let errors) = self { return errors.flatMap(\.all) }
            return [self]
        }
    }

    /// How a job ended, from its directory.
    public enum Completion: Sendable, Equatable {
        /// It ran to its end; `interruption`: its own rules stopped it early (failfast, job timeout).
        case finished(interruption: String?)
        /// Killed, crashed, or cut short by Ctrl-C.
        case unfinished(cause: String)
    }

    /// One job directory as read.
    public struct Source: Sendable {
        public var dir: String
        public var jobID: String
        public var shard: Shard?
        /// The journal's results, uid order.
        public var results: [TestResult]
        public var references: [String]
        public var jobLog: String
        /// The job's test list (jobdata/replay.json), uid = index + 1; nil without a record.
        public var planned: [TestCase]?
        /// jobdata/end.json; nil: the job did not end (or was written before end.json existed).
        public var end: JobEnd?
        /// results.json is there (only used for job directories without end.json).
        public var hasReport: Bool
        /// Other directories of the same job (copies of it), merged into this one.
        public var copies: [String] = []

        public init(dir: String, jobID: String, shard: Shard? = nil, results: [TestResult], references: [String] = [],
                    jobLog: String = "", planned: [TestCase]? = nil, end: JobEnd? = nil, hasReport: Bool = true) {
            self.dir = dir
            self.jobID = jobID
            self.shard = shard
            self.results = results
            self.references = references
            self.jobLog = jobLog
            self.planned = planned
            self.end = end
            self.hasReport = hasReport
        }

        /// The journal result for each planned test (uid and name match), by uid.
        var resultByUID: [Int: TestResult] { Dictionary(results.map { ($0.uid, $0) }, uniquingKeysWith: { _, b in b }) }

        /// A test a Ctrl-C kept from starting (recorded SKIP, never ran).
        static func skippedByInterrupt(_ r: TestResult) -> Bool { !r.ran && r.status == .skip }

        /// How the job ended. With jobdata/end.json: finished unless a Ctrl-C cut it short. Without
        /// (killed, crashed, or a qcoord older than end.json): finished only when results.json is
        /// there, every planned test has a journal result, and none was skipped by a Ctrl-C.
        public var completion: Completion {
            let skipReasons = results.filter(Self.skippedByInterrupt).compactMap(\.failReason)
            if let end {
                // A Ctrl-C that kept no test from its result (the running ones finished, or ended
                // INTERRUPTED) leaves a job as complete as failfast does.
                if end.interruptedByUser && unresolved > 0 {
                    return .unfinished(cause: "interrupted: \(end.interruption ?? "Ctrl-C")")
                }
                return .finished(interruption: end.interruption)
            }
            if !hasReport { return .unfinished(cause: "killed or crashed: no jobdata/end.json, no results.json") }
            if let user = skipReasons.first(where: { $0 == "Interrupted by user request" }) {
                return .unfinished(cause: "interrupted: \(user)")
            }
            if absent > 0 { return .unfinished(cause: "no jobdata/end.json, and the journal lacks planned tests") }
            return .finished(interruption: skipReasons.first)
        }

        /// Planned tests with no journal result, plus tests a Ctrl-C (or another interruption) kept from starting.
        var unresolved: Int { absent + results.filter(Self.skippedByInterrupt).count }

        /// Planned tests with no journal result.
        var absent: Int {
            let byUID = resultByUID
            return (planned ?? []).indices.filter { byUID[$0 + 1]?.name != planned?[$0].name }.count
        }

        /// The tests that did not run to a result in a job that did not finish: planned tests with no
        /// journal result, and those a Ctrl-C skipped. 0 for a finished job.
        public var missingCount: Int {
            guard case .unfinished = completion else { return 0 }
            return rows.filter { !$0.ran && $0.failReason == JobMerger.notRunReason }.count
        }

        /// How many tests the job planned (its record's list, else its journal's results).
        public var plannedCount: Int { max(planned?.count ?? 0, results.count) }

        /// What the merge takes from this job, uid order. For a job that did not finish, every
        /// planned test without a result (and every test a Ctrl-C skipped) is INTERRUPTED with
        /// `notRunReason`, `ran: false`.
        public var rows: [TestResult] {
            guard case .unfinished = completion else { return results }
            var byUID: [Int: TestResult] = [:]
            for r in results {
                var r = r
                if Self.skippedByInterrupt(r) {
                    r.status = .interrupted
                    r.failReason = JobMerger.notRunReason
                }
                byUID[r.uid] = r
            }
            let total = plannedCount
            for (index, test) in (planned ?? []).enumerated() where byUID[index + 1]?.name != test.name {
                // A journal line under this uid for another name is kept too: it moves past the list.
                if let other = byUID[index + 1] { byUID[total + 1 + index] = other }
                byUID[index + 1] = TestResult(
                    uid: index + 1, id: TestResult.testID(uid: index + 1, name: test.name, total: total), name: test.name,
                    kind: test.kind, status: .interrupted, failReason: JobMerger.notRunReason, tags: test.tags,
                    arch: test.matrixArch, ran: false)
            }
            return byUID.keys.sorted().compactMap { byUID[$0] }
        }
    }

    public static func read(_ dir: String) throws -> Source {
        let fm = FileManager.default
        let path = (dir as NSString).standardizingPath
        let absolute = path.hasPrefix("/") ? path : fm.currentDirectoryPath + "/" + path
        // `latest` and other symlinks: the real directory is the origin.
        let real = (try? fm.destinationOfSymbolicLink(atPath: absolute)).map {
            $0.hasPrefix("/") ? $0 : (absolute as NSString).deletingLastPathComponent + "/" + $0
        } ?? absolute
        guard let idData = fm.contents(atPath: real + "/id") else { throw MergeError.notAJob(dir, reason: "no 'id' file") }
        let results: [TestResult]
        if fm.fileExists(atPath: real + "/jobdata/journal.jsonl") {
            do { results = try JobRecorder.read(path: real + "/jobdata/journal.jsonl") } catch {
                throw MergeError.notAJob(dir, reason: "jobdata/journal.jsonl unreadable (\(error.localizedDescription))")
            }
        } else if fm.fileExists(atPath: real + "/" + JobRecord.file) {
            results = []  // killed before its first result
        } else {
            throw MergeError.notAJob(dir, reason: "no jobdata/journal.jsonl")
        }
        var shard: Shard?
        if let data = fm.contents(atPath: real + "/jobdata/args.json"),
           let args = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let text = args["shard"] as? String {
            shard = try? Shard.parse(text, environment: [:])
        }
        var references: [String] = []
        if let data = fm.contents(atPath: real + "/jobdata/test_references") {
            // A Python list literal of strings; JSON reads it once quotes are double.
            let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "'", with: "\"")
            references = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]) ?? []
        }
        let log = fm.contents(atPath: real + "/job.log").map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Source(dir: real, jobID: String(decoding: idData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                      shard: shard, results: results, references: references, jobLog: log,
                      planned: (try? JobRecord.load(jobDir: real))?.tests, end: JobEnd.load(jobDir: real),
                      hasReport: fm.fileExists(atPath: real + "/results.json"))
    }

    /// Directories of one job (the same job id) as one source: a directory given twice counts
    /// once; copies of it (e.g. CI artifacts saved before and after a `--resume`) are combined
    /// per test — a result that ran over one that did not, then the later one — and the latest
    /// end record stands. Order: where each job first appears.
    public static func combine(_ sources: [Source]) -> [Source] {
        var out: [Source] = []
        for s in sources {
            guard let i = out.firstIndex(where: { $0.jobID == s.jobID }) else { out.append(s); continue }
            if out[i].dir == s.dir || out[i].copies.contains(s.dir) { continue }
            var c = out[i]
            var byUID = c.resultByUID
            for var r in s.results {
                r.origin = r.origin ?? s.dir
                if let have = byUID[r.uid] {
                    let better = (r.ran && !have.ran) || (r.ran == have.ran && r.actualTimeEnd > have.actualTimeEnd)
                    if !better { continue }
                }
                byUID[r.uid] = r
            }
            c.results = byUID.keys.sorted().compactMap { byUID[$0] }
            if let e = s.end, (c.end?.time ?? -.infinity) < e.time { c.end = e }
            c.planned = c.planned ?? s.planned
            c.shard = c.shard ?? s.shard
            c.hasReport = c.hasReport || s.hasReport
            c.jobLog += (c.jobLog.hasSuffix("\n") || c.jobLog.isEmpty ? "" : "\n") + "==== copy of the same job: \(s.dir) ====\n" + s.jobLog
            c.copies.append(s.dir)
            out[i] = c
        }
        return out
    }

    /// What is wrong with merging `sources` as they are: shards of a split missing or given twice,
    /// jobs that did not finish, a test in two jobs. Empty: a clean merge.
    public static func problems(_ sources: [Source]) -> [MergeError] {
        var problems: [MergeError] = []
        let sharded = sources.filter { $0.shard != nil }
        if !sharded.isEmpty {
            let totals = Set(sharded.compactMap { $0.shard?.total })
            if sharded.count != sources.count || totals.count != 1 {
                problems.append(.mixedShards("the jobs are not shards of one split: "
                    + sources.map { "\($0.dir): \($0.shard?.description ?? "not a shard")" }.joined(separator: "; ")))
            } else {
                var seen: [Int: String] = [:]
                for s in sharded {
                    guard let shard = s.shard else { continue }
                    if let other = seen[shard.index] { problems.append(.shardTwice(other, s.dir, shard: shard.description)) }
                    seen[shard.index] = s.dir
                }
                let total = totals.first ?? 0
                let missing = (1...max(total, 1)).filter { seen[$0] == nil }
                if !missing.isEmpty { problems.append(.shardMissing(total: total, missing: missing)) }
            }
        }
        for s in sources {
            if case .unfinished(let cause) = s.completion {
                problems.append(.unfinished(s.dir, cause: cause, missing: s.missingCount, planned: s.plannedCount))
            }
        }
        var firstSeen: [String: String] = [:]
        var duplicates = 0
        for s in sources {
            for r in s.rows {
                if let first = firstSeen[r.name] {
                    // One line per pair of jobs is enough.
                    if duplicates < 3 { problems.append(.duplicate(test: r.name, first: first, second: s.dir)) }
                    duplicates += 1
                    continue
                }
                firstSeen[r.name] = s.dir
            }
        }
        return problems
    }

    /// The sources in merge order (shards by K, other jobs as given; one job's directories combined)
    /// and what is wrong with them; throws those problems unless `allowPartial`.
    public static func validate(_ sources: [Source], allowPartial: Bool) throws -> (sources: [Source], problems: [MergeError]) {
        let combined = combine(sources)
        var ordered = combined
        if combined.contains(where: { $0.shard != nil }) {
            ordered = combined.enumerated().sorted { a, b in
                (a.element.shard?.index ?? Int.max, a.offset) < (b.element.shard?.index ?? Int.max, b.offset)
            }.map(\.element)
        }
        let found = problems(ordered)
        if !allowPartial && !found.isEmpty { throw found.count == 1 ? found[0] : MergeError.several(found) }
        return (ordered, found)
    }

    /// Why the merged job counts as interrupted (exit bit 8), nil when it does not: a job that did
    /// not finish, a missing shard, or a job its own rules stopped early (failfast, job timeout).
    public static func interruption(_ sources: [Source], problems: [MergeError]) -> String? {
        var reasons: [String] = []
        for p in problems {
            switch p {
            case .shardMissing: reasons.append(p.description.components(separatedBy: ":").first ?? "shard missing")
            case .unfinished(let dir, _, _, _): reasons.append("\(dir) did not finish")
            default: break
            }
        }
        for s in sources {
            if case .finished(let why?) = s.completion { reasons.append("\(s.dir): \(why)") }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Writes the merged job under `base` (a new job directory; `base/latest` points to it).
    /// `interruption`: why the merged job counts as interrupted (`interruption(_:problems:)`).
    public static func merge(_ sources: [Source], base: String, cmdline: [String], pwd: String,
                             interruption: String? = nil, date: Date = Date()) throws -> JobSummary {
        let jobID = JobRunner.newJobID()
        // Private (0700/0600) when any merged job is: its logs may hold secrets.
        let modes: ReportModes = sources.contains { ReportModes.of(directory: $0.dir) == .private } ? .private : .readable
        let directory = try JobDirectory.create(base: base, jobID: jobID, date: date, modes: modes)
        // --allow-partial with a test twice: the first (in merge order) is kept.
        var seen: Set<String> = []
        var picked: [(Source, TestResult)] = []
        for s in sources {
            for r in s.rows where seen.insert(r.name).inserted { picked.append((s, r)) }
        }
        let total = picked.count
        let fm = FileManager.default
        var results: [TestResult] = []
        var log = ""
        for s in sources {
            var state = ""
            if case .unfinished(let cause) = s.completion { state = ", did not finish (\(cause)): \(s.missingCount) tests without a result" }
            log += "==== merged from \(s.dir) (job \(s.jobID)\(s.shard.map { ", shard \($0)" } ?? "")\(state)): \(s.rows.count) tests ====\n"
            log += s.jobLog
            if !s.jobLog.hasSuffix("\n") && !s.jobLog.isEmpty { log += "\n" }
        }
        for (uid0, (source, old)) in picked.enumerated() {
            let uid = uid0 + 1
            var r = old
            r.uid = uid
            r.id = TestResult.testID(uid: uid, name: r.name, total: total)
            r.logdir = directory.testDirectory(uid: uid, name: r.name, total: total)
            r.logfile = r.logdir + "/debug.log"
            r.origin = r.origin ?? source.dir
            if fm.fileExists(atPath: old.logdir) {
                try fm.copyItem(atPath: old.logdir, toPath: r.logdir)
            } else {
                try directory.makeTestDirectory(r.logdir)
                if !r.ran {
                    _ = fm.createFile(atPath: r.logfile, contents: Data("\(r.name): never ran: \(r.failReasonText)\n".utf8),
                                  attributes: [.posixPermissions: Int(modes.file)])
                }
            }
            results.append(r)
        }
        try directory.writeText("job.log", log)
        var references: [String] = []
        for s in sources { for ref in s.references where !references.contains(ref) { references.append(ref) } }
        var args: [String: String] = ["merged_from": sources.map(\.dir).joined(separator: " ")]
        let shards = sources.compactMap { $0.shard?.description }
        if !shards.isEmpty { args["merged_shards"] = shards.joined(separator: " ") }
        try directory.writeJobData(args: args, cmdline: cmdline, pwd: pwd, references: references)
        let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl", mode: modes.file)
        for r in results { try recorder.record(r) }
        let starts = results.map(\.actualTimeStart).filter { $0 > 0 }, ends = results.map(\.actualTimeEnd)
        let first = starts.min().map { Date(timeIntervalSince1970: $0) } ?? date
        let summary = JobSummary(
            jobID: jobID, jobDir: directory.path, jobName: directory.name,
            start: JobDirectory.startText(first), timestamp: JobDirectory.isoText(date),
            jobTime: max(0, (ends.max() ?? 0) - (starts.min() ?? 0)), tests: results, interruption: interruption)
        var logs: [Int: String] = [:]
        for t in results where !t.status.isFine {
            if let data = fm.contents(atPath: t.logfile) {
                logs[t.uid] = String(decoding: data.prefix(ResultsXMLRenderer.systemOutLimit * 4), as: UTF8.self)
            }
        }
        if let interruption { log += "merged job interrupted: \(interruption)\n"; try directory.writeText("job.log", log) }
        try directory.writeReport(summary, logs: logs)
        try JobEnd(jobID: jobID, tests: results.count, interruption: interruption, interruptedByUser: false,
                   exitCode: summary.exitCode, time: date.timeIntervalSince1970).write(jobDir: directory.path)
        return summary
    }
}
