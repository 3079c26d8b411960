import Foundation
import QCoordCore

/// The human output of `run`, line by line, exactly as Avocado 113's human result plugin.
public enum HumanRenderer {
    /// Avocado cuts a fail reason at this many characters on the result line.
    public static let reasonLimit = 255

    public static func header(jobID: String, jobLog: String) -> String {
        "JOB ID     : \(jobID)\nJOB LOG    : \(jobLog)\n"
    }

    /// ` (01/11) name: STARTED`
    public static func started(uid: Int, total: Int, name: String) -> String {
        " \(index(uid, total)) \(name): STARTED\n"
    }

    /// ` (1/7) name:  PASS (0.03 s)`, ` (2/7) name:  FAIL: reason (0.07 s)`, SKIP without a time.
    public static func finished(_ t: TestResult, total: Int) -> String {
        var line = " \(index(t.uid, total)) \(t.name):  \(t.status.rawValue)"
        if t.status != .pass, let reason = t.failReason, !reason.isEmpty {
            line += ": " + shortReason(reason)
        }
        if t.status != .skip {
            line += " (\(fixed(t.timeElapsed, 2)) s)"
        }
        return line + "\n"
    }

    /// The lines after the last test, on stdout: RESULTS, JOB HTML (when written), JOB TIME,
    /// then "Test summary:" when a test FAILed, ERRORed or was INTERRUPTED.
    public static func footer(_ job: JobSummary, htmlPath: String?) -> String {
        var out = "RESULTS    : \(job.counts.resultsLine)\n"
        let flaky = job.flakyTests
        if !flaky.isEmpty {
            out += "FLAKY      : \(flaky.count) passed on a retry: \(flaky.map(\.id).joined(separator: ", "))\n"
        }
        if let htmlPath { out += "JOB HTML   : \(htmlPath)\n" }
        out += "JOB TIME   : \(fixed(job.jobTime, 2)) s\n"
        if !summaryTests(job).isEmpty { out += "\nTest summary:\n" }
        return out
    }

    /// What Avocado writes on stderr at the end: the interruption reason, then `<id>: STATUS`
    /// for each FAILed, ERRORed or INTERRUPTED test.
    public static func stderrSummary(_ job: JobSummary) -> String {
        var out = ""
        if let reason = job.interruption { out += reason + "\n" }
        for t in summaryTests(job) { out += "\(t.id): \(t.status.rawValue)\n" }
        return out
    }

    static func summaryTests(_ job: JobSummary) -> [TestResult] {
        job.tests.filter { [.fail, .error, .interrupted].contains($0.status) }
    }

    /// `(01/11)`: the index zero-padded to the width of the total.
    static func index(_ uid: Int, _ total: Int) -> String {
        "(\(zeroPadded(uid, width: String(total).count))/\(total))"
    }

    /// Cut at 255 characters, newlines written as `\n`.
    static func shortReason(_ reason: String) -> String {
        String(reason.prefix(reasonLimit)).replacingOccurrences(of: "\n", with: "\\n")
    }
}
