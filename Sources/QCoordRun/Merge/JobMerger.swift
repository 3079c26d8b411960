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
    public enum MergeError: Error, CustomStringConvertible, Equatable {
        case notAJob(String, reason: String)
        case duplicate(test: String, first: String, second: String)
        case shardMissing(total: Int, missing: [Int])
        case shardTwice(String, String, shard: String)
        case mixedShards(String)

        public var description: String {
            let hint = " (pass --allow-partial to merge anyway)"
            switch self {
            case .notAJob(let dir, let reason):
                return "\(dir) is not a qcoord job directory: \(reason)"
            case .duplicate(let test, let first, let second):
                return "test \(test) is in both \(first) and \(second)" + hint
            case .shardMissing(let total, let missing):
                return "shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(total)" }.joined(separator: ", ")) missing" + hint
            case .shardTwice(let a, let b, let shard):
                return "\(a) and \(b) are both shard \(shard)" + hint
            case .mixedShards(let why):
                return why + hint
            }
        }
    }

    /// One job directory as read.
    public struct Source: Sendable {
        public var dir: String
        public var jobID: String
        public var shard: Shard?
        public var results: [TestResult]
        public var references: [String]
        public var jobLog: String
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
        do { results = try JobRecorder.read(path: real + "/jobdata/journal.jsonl") } catch {
            throw MergeError.notAJob(dir, reason: "jobdata/journal.jsonl unreadable (\(error.localizedDescription))")
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
                      shard: shard, results: results, references: references, jobLog: log)
    }

    /// Checks the sources (shards complete and once each, no test twice), in merge order.
    public static func validate(_ sources: [Source], allowPartial: Bool) throws -> [Source] {
        let sharded = sources.filter { $0.shard != nil }
        var ordered = sources
        if !sharded.isEmpty {
            ordered = sources.enumerated().sorted { a, b in
                (a.element.shard?.index ?? Int.max, a.offset) < (b.element.shard?.index ?? Int.max, b.offset)
            }.map(\.element)
        }
        if !allowPartial {
            if !sharded.isEmpty {
                let totals = Set(sharded.compactMap { $0.shard?.total })
                if sharded.count != sources.count || totals.count != 1 {
                    throw MergeError.mixedShards("the jobs are not shards of one split: "
                        + sources.map { "\($0.dir): \($0.shard?.description ?? "not a shard")" }.joined(separator: "; "))
                }
                var seen: [Int: String] = [:]
                for s in sharded {
                    guard let shard = s.shard else { continue }
                    if let other = seen[shard.index] { throw MergeError.shardTwice(other, s.dir, shard: shard.description) }
                    seen[shard.index] = s.dir
                }
                let total = totals.first ?? 0
                let missing = (1...max(total, 1)).filter { seen[$0] == nil }
                if !missing.isEmpty { throw MergeError.shardMissing(total: total, missing: missing) }
            }
            var firstSeen: [String: String] = [:]
            for s in ordered {
                for r in s.results {
                    if let first = firstSeen[r.name] { throw MergeError.duplicate(test: r.name, first: first, second: s.dir) }
                    firstSeen[r.name] = s.dir
                }
            }
        }
        return ordered
    }

    /// Writes the merged job under `base` (a new job directory; `base/latest` points to it).
    public static func merge(_ sources: [Source], base: String, cmdline: [String], pwd: String,
                             date: Date = Date()) throws -> JobSummary {
        let jobID = JobRunner.newJobID()
        let directory = try JobDirectory.create(base: base, jobID: jobID, date: date)
        // --allow-partial with a test twice: the first (in merge order) is kept.
        var seen: Set<String> = []
        var picked: [(Source, TestResult)] = []
        for s in sources {
            for r in s.results.sorted(by: { $0.uid < $1.uid }) where seen.insert(r.name).inserted { picked.append((s, r)) }
        }
        let total = picked.count
        let fm = FileManager.default
        var results: [TestResult] = []
        var log = ""
        for s in sources {
            log += "==== merged from \(s.dir) (job \(s.jobID)\(s.shard.map { ", shard \($0)" } ?? "")): \(s.results.count) tests ====\n"
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
        let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl")
        for r in results { try recorder.record(r) }
        let starts = results.map(\.actualTimeStart).filter { $0 > 0 }, ends = results.map(\.actualTimeEnd)
        let first = starts.min().map { Date(timeIntervalSince1970: $0) } ?? date
        let summary = JobSummary(
            jobID: jobID, jobDir: directory.path, jobName: directory.name,
            start: JobDirectory.startText(first), timestamp: JobDirectory.isoText(date),
            jobTime: max(0, (ends.max() ?? 0) - (starts.min() ?? 0)), tests: results, interruption: nil)
        var logs: [Int: String] = [:]
        for t in results where !t.status.isFine {
            if let data = fm.contents(atPath: t.logfile) {
                logs[t.uid] = String(decoding: data.prefix(ResultsXMLRenderer.systemOutLimit * 4), as: UTF8.self)
            }
        }
        try directory.writeReport(summary, logs: logs)
        return summary
    }
}
