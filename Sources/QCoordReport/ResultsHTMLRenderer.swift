import QCoordCore

/// results.html: a small self-contained page — the counts, then one row per test with its
/// status, host, arch, time and links to its logs (relative, so the directory can be moved).
public enum ResultsHTMLRenderer {
    public static func render(_ job: JobSummary) -> String {
        let counts = job.counts
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>qcoord job \(esc(job.jobName))</title>
        <style>
        body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
        .PASS{background:#dfd}.FAIL,.ERROR{background:#fdd}.INTERRUPTED{background:#fed}
        .SKIP,.CANCEL{background:#eee}.WARN{background:#ffd}
        </style></head><body>
        <h1>Job \(esc(job.jobID))</h1>
        <p>Started \(esc(job.start)) · job time \(fixed(job.jobTime, 2)) s · \(job.tests.count) tests</p>
        <p>\(esc(counts.resultsLine))</p>

        """
        if let reason = job.interruption { out += "<p><strong>Interrupted:</strong> \(esc(reason))</p>\n" }
        out += "<table>\n<tr><th>Test</th><th>Status</th><th>Reason</th><th>Host</th><th>Arch</th><th>Time (s)</th><th>Logs</th></tr>\n"
        for t in job.tests {
            let dir = relative(t.logdir, to: job.jobDir)
            var links = ""
            if t.ran {
                links = ["debug.log", "stdout", "stderr"].map { "<a href=\"\(esc(dir))/\($0)\">\($0)</a>" }.joined(separator: " ")
            }
            out += "<tr class=\"\(t.status.rawValue)\"><td>\(esc(t.id))</td><td>\(t.status.rawValue)</td>"
            out += "<td>\(esc(t.failReason ?? ""))</td><td>\(esc(t.host ?? ""))</td><td>\(esc(t.arch ?? ""))</td>"
            out += "<td>\(fixed(t.timeElapsed, 2))</td><td>\(links)</td></tr>\n"
        }
        out += "</table>\n</body></html>\n"
        return out
    }

    static func relative(_ path: String, to base: String) -> String {
        path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }

    static func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
