import Foundation
import Testing
import QCoordCore

/// Tests/Fixtures/run/, found from this file's path.
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/run")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    struct AvocadoFile: Decodable {
        var debuglog: String
        var job_id: String
        var start: String
        var tests: [AvocadoTest]
    }

    struct AvocadoTest: Decodable {
        var actual_time_end, actual_time_start, time_elapsed, time_end, time_start: Double
        var fail_reason, id, logdir, logfile, name, status, whiteboard: String
        var tags: Tags
    }

    /// The JobSummary behind one of Avocado 113's results.json files (to re-render it).
    /// JSONDecoder, not JSONSerialization: bridging NSNumber to Double loses the last digit.
    static func avocadoJob(_ name: String) throws -> JobSummary {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        let file = try JSONDecoder().decode(AvocadoFile.self, from: data)
        let tests = try file.tests.map { t -> TestResult in
            let uid = try #require(Int(t.id.prefix { $0 != "-" }))
            return TestResult(
                uid: uid, id: t.id, name: t.name, kind: .instrumented,
                status: try #require(TestStatus(rawValue: t.status)),
                failReason: t.fail_reason == "<unknown>" ? nil : t.fail_reason, tags: t.tags,
                timeElapsed: t.time_elapsed, timeStart: t.time_start, timeEnd: t.time_end,
                actualTimeStart: t.actual_time_start, actualTimeEnd: t.actual_time_end,
                logdir: t.logdir, logfile: t.logfile, whiteboard: t.whiteboard)
        }
        let jobDir = String(file.debuglog.dropLast("/job.log".count))
        return JobSummary(jobID: file.job_id, jobDir: jobDir, jobName: String(jobDir.split(separator: "/").last ?? ""),
                          start: file.start, timestamp: "2026-11-22T02:44:22.768674", jobTime: 4.44, tests: tests)
    }
}
