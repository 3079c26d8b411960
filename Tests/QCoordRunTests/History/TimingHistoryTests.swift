import Foundation
import QCoordCore
import QCoordRun
import Testing

@Suite struct TimingHistoryTests {
    static func tempDir() -> String { NSTemporaryDirectory() + "qcoord-history-\(UUID().uuidString)" }

    static func result(_ name: String, _ status: TestStatus, _ time: Double, end: Double, ran: Bool = true) -> TestResult {
        TestResult(uid: 1, id: "1-" + name, name: name, kind: .simple, status: status, timeElapsed: time,
                   actualTimeEnd: end, host: "h1", arch: "x86_64", ran: ran)
    }

    @Test func recordsDurationsAndCountsPerTest() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try TimingHistory(path: dir + "/qcoord/history.sqlite")
        try history.record([Self.result("a.sh", .pass, 1, end: 1), Self.result("b.sh;arch=aarch64", .fail, 4, end: 2),
                            Self.result("never.sh", .skip, 0, end: 3, ran: false)])
        try history.record([Self.result("a.sh", .pass, 3, end: 4), Self.result("a.sh", .cancel, 0.01, end: 5)])
        // The directory is private to the user.
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/qcoord")[.posixPermissions] as? Int
        #expect(mode == 0o700)
        let rows = try history.summaries()
        #expect(rows.map(\.test) == ["a.sh", "b.sh;arch=aarch64"])
        #expect(rows[0].runs == 3 && rows[0].passed == 2 && rows[0].failed == 0)
        // CANCEL ends early: it is counted, but is no duration.
        #expect(rows[0].median == 2 && rows[0].last == 3 && rows[0].lastStatus == "CANCEL")
        #expect(rows[1].failed == 1)
        #expect(try history.summaries(matching: "arch=aarch64").map(\.test) == ["b.sh;arch=aarch64"])
        #expect(try history.timings() == Timings(["a.sh": 2, "b.sh;arch=aarch64": 4]))
        // Reopening keeps the records (the migration runs once).
        #expect(try TimingHistory(path: dir + "/qcoord/history.sqlite").summaries().count == 2)
    }

    @Test func defaultPathFollowsXDG() {
        #expect(TimingHistory.defaultPath(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/qcoord/history.sqlite")
        #expect(TimingHistory.defaultPath(environment: ["HOME": "/h"]) == "/h/.cache/qcoord/history.sqlite")
        // A relative XDG_CACHE_HOME is invalid per the spec and ignored.
        #expect(TimingHistory.defaultPath(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/h"]) == "/h/.cache/qcoord/history.sqlite")
    }

    @Test func timingsFileReadsExportsAndResultsJSON() throws {
        let exported = TimingsFile.render(Timings(["x.py:A.test;arch=arm": 1.5, "y.sh": 0.25]))
        #expect(try TimingsFile.parse(Data(exported.utf8)) == Timings(["x.py:A.test;arch=arm": 1.5, "y.sh": 0.25]))
        let results = """
            {"tests": [{"name": "a.sh", "status": "PASS", "time_elapsed": 2.0},
                       {"name": "b.sh", "status": "CANCEL", "time_elapsed": 0.1},
                       {"name": "c.sh", "status": "FAIL", "time_elapsed": 7}], "total": 3}
            """
        #expect(try TimingsFile.parse(Data(results.utf8)) == Timings(["a.sh": 2, "c.sh": 7]))
        #expect(throws: TimingsFile.LoadError.self) { try TimingsFile.parse(Data("{\"x\": 1}".utf8)) }
        #expect(throws: TimingsFile.LoadError.self) { try TimingsFile.parse(Data("not json".utf8)) }
    }
}
