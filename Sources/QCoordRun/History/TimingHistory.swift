import Foundation
import GRDB
import QCoordCore

/// Every finished test's duration and status per (test id, arch, host), in an SQLite database
/// under the user's cache dir: `$XDG_CACHE_HOME/qcoord/history.sqlite`, else
/// `~/.cache/qcoord/history.sqlite` (directory mode 0700). Feeds the Scheduler's expected
/// durations and `qcoord history`. Sharding never reads it (CI jobs have different caches).
public final class TimingHistory: Sendable {
    /// One test's record, as `qcoord history` shows it.
    public struct Summary: Sendable, Hashable {
        public var test: String
        public var runs: Int
        public var passed: Int
        public var failed: Int
        /// Median and last duration of the runs that reached a verdict; nil when none did.
        public var median: Double?
        public var last: Double?
        public var lastStatus: String
    }

    public let path: String
    private let db: DatabaseQueue

    /// The default location for `environment` (XDG_CACHE_HOME, else HOME/.cache).
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return base + "/qcoord/history.sqlite"
    }

    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // One fsync per checkpoint, not per test: a lost last record only costs a guess.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        db = try DatabaseQueue(path: path, configuration: config)
        try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("test", .text).notNull().indexed()
                t.column("arch", .text)
                t.column("host", .text)
                t.column("status", .text).notNull()
                t.column("duration", .double).notNull()
                t.column("finishedAt", .double).notNull()
                t.column("jobID", .text)
            }
        }
        try migrator.migrate(db)
    }

    /// Records tests that ran (never-run tests have no duration).
    public func record(_ results: [TestResult], jobID: String? = nil) throws {
        let ran = results.filter(\.ran)
        guard !ran.isEmpty else { return }
        try db.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO run (test, arch, host, status, duration, finishedAt, jobID) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for r in ran {
                try insert.execute(arguments: [r.name, r.arch, r.host, r.status.rawValue, r.timeElapsed, r.actualTimeEnd, jobID])
            }
        }
    }

    /// Expected durations: per test id, the median of its runs that reached a verdict.
    public func timings() throws -> Timings {
        var samples: [String: [Double]] = [:]
        try db.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT test, duration FROM run WHERE status IN ('PASS', 'FAIL', 'WARN')")
            while let row = try rows.next() {
                samples[row[0] as String, default: []].append(row[1] as Double)
            }
        }
        return Timings(samples.compactMapValues { Timings.median($0) })
    }

    /// Per test id whose id contains `reference` (all when nil), sorted by id.
    public func summaries(matching reference: String? = nil) throws -> [Summary] {
        var byTest: [String: [(status: String, duration: Double)]] = [:]
        try db.read { db in
            let pattern = reference.map { "%" + $0.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" } ?? "%"
            let rows = try Row.fetchCursor(db, sql: "SELECT test, status, duration FROM run WHERE test LIKE ? ESCAPE '\\' ORDER BY finishedAt, id",
                                           arguments: [pattern])
            while let row = try rows.next() {
                byTest[row[0] as String, default: []].append((row[1], row[2]))
            }
        }
        return byTest.keys.sorted().map { test in
            let runs = byTest[test] ?? []
            let timed = runs.filter { TimingsFile.timedStatuses.contains($0.status) }.map(\.duration)
            return Summary(test: test, runs: runs.count,
                           passed: runs.filter { $0.status == "PASS" || $0.status == "WARN" }.count,
                           failed: runs.filter { $0.status == "FAIL" || $0.status == "ERROR" }.count,
                           median: Timings.median(timed), last: timed.last, lastStatus: runs.last?.status ?? "")
        }
    }
}
