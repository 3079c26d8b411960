import Foundation
import QCoordCore

/// `qcoord jobs list` and `qcoord jobs show`, in the format of Avocado 113's `avocado jobs`
/// (show adds the host and arch columns qcoord knows).
public enum JobsRenderer {
    /// `<job id> <start> <total> (<pass>/<skip>/<errors>/<failures>)`, one job a line.
    public static func list(_ records: [JobArchive.Record]) -> String {
        records.map { r in
            pad(r.jobID, 40) + " " + pad(r.start, 26) + " " + leftPad(String(r.total), 3)
                + " (\(r.counts["pass"] ?? 0)/\(r.counts["skip"] ?? 0)/\(r.counts["errors"] ?? 0)/\(r.counts["failures"] ?? 0))\n"
        }.joined()
    }

    /// The job's id and log, a table of its tests, and its RESULTS line.
    /// - Parameter endTime: formats a test's end (epoch seconds) as `2026/11/22 01:45:03`, local time.
    public static func show(_ r: JobArchive.Record,
                            endTime: (Double) -> String = { JobDirectory.formatLocal(Date(timeIntervalSince1970: $0), "%Y/%m/%d %H:%M:%S") }) -> String {
        var out = "JOB ID      : \(r.jobID)\nJOB DIR     : \(r.dir)\nJOB LOG     : \(r.debuglog)\n\n"
        let header = ["Test ID", "End Time", "Run Time", "Status", "Host", "Arch"]
        let rows = r.tests.map { t in
            [t.id, t.end.map(endTime) ?? "<unknown>", t.timeElapsed.map { String(format: "%.6f", $0) } ?? "<unknown>",
             t.status, t.host ?? "-", t.arch ?? "-"]
        }
        out += table([header] + rows)
        let c = r.counts
        out += "RESULTS     : PASS \(c["pass"] ?? 0) | ERROR \(c["errors"] ?? 0) | FAIL \(c["failures"] ?? 0) | "
            + "SKIP \(c["skip"] ?? 0) | WARN \(c["warn"] ?? 0) | INTERRUPT \(c["interrupt"] ?? 0) | CANCEL \(c["cancel"] ?? 0)\n"
        return out
    }

    /// Columns left-aligned to their widest cell, one space apart, trailing spaces stripped.
    static func table(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i < widths.count { widths[i] = max(widths[i], cell.count) } else { widths.append(cell.count) }
            }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() { line += (i > 0 ? " " : "") + pad(cell, widths[i]) }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func leftPad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
