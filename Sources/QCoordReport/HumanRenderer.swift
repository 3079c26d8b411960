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

    /// ` (1/7) name:  PASS (0.03 s)`, ` (2/7) name:  FAIL: reason (0.07 s)`, SKIP without a time;
    /// the status in its colour when `style` has colour.
    public static func finished(_ t: TestResult, total: Int, style: TerminalStyle = .plain) -> String {
        var line = " \(index(t.uid, total)) \(t.name):  \(style.paint(t.status.rawValue, t.status))"
        if t.status != .pass, let reason = t.failReason, !reason.isEmpty {
            line += ": " + shortReason(reason)
        }
        if t.status != .skip {
            line += " (\(fixed(t.timeElapsed, 2)) s)"
        }
        return line + "\n"
    }

    /// The lines after the last test, on stdout: RESULTS, JOB HTML (when written), JOB TIME,
    /// then "Test summary:" when a test FAILed, ERRORed or was INTERRUPTED. With colour, each
    /// non-zero count of the RESULTS line is in its status's colour.
    public static func footer(_ job: JobSummary, htmlPath: String?, style: TerminalStyle = .plain) -> String {
        var out = "RESULTS    : \(resultsLine(job.counts, style: style))\n"
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
    public static func stderrSummary(_ job: JobSummary, style: TerminalStyle = .plain) -> String {
        var out = ""
        if let reason = job.interruption { out += reason + "\n" }
        for t in summaryTests(job) { out += "\(t.id): \(style.paint(t.status.rawValue, t.status))\n" }
        return out
    }

    /// `PASS 3 | ERROR 1 | …` (StatusCounts.resultsLine), non-zero counts painted.
    public static func resultsLine(_ counts: StatusCounts, style: TerminalStyle = .plain) -> String {
        StatusCounts.resultsOrder.map { status in
            let item = "\(status.resultsLabel) \(counts[status])"
            return counts[status] > 0 ? style.paint(item, status) : item
        }.joined(separator: " | ")
    }

    static func summaryTests(_ job: JobSummary) -> [TestResult] {
        job.tests.filter { [.fail, .error, .interrupted].contains($0.status) }
    }

    /// `(01/11)`: the index zero-padded to the width of the total.
    static func index(_ uid: Int, _ total: Int) -> String {
        "(\(zeroPadded(uid, width: String(total).count))/\(total))"
    }

    /// One line (OneLine.fold: the lines joined by ` | `, never a literal `\n` as Avocado
    /// prints), cut at 255 characters.
    static func shortReason(_ reason: String) -> String {
        String(OneLine.fold(reason).prefix(reasonLimit))
    }
}
