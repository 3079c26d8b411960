import Foundation
import QCoordCore

/// results.html: one self-contained page (inline CSS, JS and SVG; no external asset) — the
/// counts, a status filter, a timeline with one lane per host slot, and one row per test with
/// its host, arch, QEMU binary, time, attempts, reason and relative links to its logs (so the
/// job directory can be moved or served as is).
///
/// Everything that comes from a test (names, reasons, hosts, paths) is HTML-escaped.
public enum ResultsHTMLRenderer {
    /// Drawing width of the timeline's time axis, in SVG user units (the SVG scales to the page).
    static let plotWidth = 1000.0
    static let labelWidth = 170.0
    static let laneHeight = 18.0
    static let axisHeight = 22.0

    /// Fill colours by status (also the filter buttons and the table's status cells).
    static let colours: [TestStatus: String] = [
        .pass: "#3c9a3c", .fail: "#d9342b", .error: "#8e1b1b", .interrupted: "#ee8a12",
        .skip: "#9a9a9a", .cancel: "#c4c4c4", .warn: "#d4b106",
    ]

    public static func render(_ job: JobSummary) -> String {
        let counts = job.counts
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>qcoord job \(esc(job.jobName))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.2em;color:#222}
        h1{font-size:1.3em;margin:.2em 0}
        .meta{color:#555;margin:.2em 0 .8em}
        .counts span{display:inline-block;margin-right:.4em;padding:.15em .5em;border-radius:3px;color:#fff}
        #filter{margin:.8em 0}
        #filter label{margin-right:.9em;cursor:pointer;white-space:nowrap}
        #filter .sw{display:inline-block;width:.8em;height:.8em;margin-right:.25em;border-radius:2px;vertical-align:-.05em}
        table{border-collapse:collapse;font-size:.9em;width:100%}
        td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}
        td.reason{white-space:pre-wrap;min-width:16em;max-width:40em;overflow-wrap:anywhere}
        td.id{overflow-wrap:anywhere;max-width:34em}td.qemu{overflow-wrap:anywhere;max-width:14em}
        td.st{color:#fff;font-weight:600}
        tr:target{outline:2px solid #36c}
        .timeline{border:1px solid #ddd;margin:.5em 0 1em;width:100%;height:auto}
        .timeline .lane{fill:#f1f1f1}.timeline .lane.odd{fill:#e8e8e8}
        .timeline text{font-size:11px;fill:#333}
        .timeline .tick{stroke:#bbb;stroke-width:.5}
        .timeline rect.bar{stroke:#fff;stroke-width:.5}
        .hidden{display:none}
        .timeline .dim{opacity:.12}
        </style></head><body>
        <h1>qcoord job \(esc(job.jobID))</h1>
        <p class="meta">\(esc(job.jobName)) · started \(esc(job.start)) · job time \(fixed(job.jobTime, 2)) s · \(job.tests.count) tests</p>

        """
        out += "<p class=\"counts\" id=\"counts\" title=\"\(esc(counts.resultsLine))\">"
        for status in StatusCounts.resultsOrder {
            out += "<span style=\"background:\(colour(status))\" data-status=\"\(status.rawValue)\">\(status.resultsLabel) \(counts[status])</span>"
        }
        let flaky = job.flakyTests.count
        if flaky > 0 { out += "<span style=\"background:#b8860b\" title=\"passed on a retry\">FLAKY \(flaky)</span>" }
        out += "</p>\n"
        if let reason = job.interruption { out += "<p><strong>Interrupted:</strong> \(esc(reason))</p>\n" }

        out += "<div id=\"filter\">Show: "
        for status in StatusCounts.resultsOrder {
            out += "<label><input type=\"checkbox\" value=\"\(status.rawValue)\" checked>"
            out += "<span class=\"sw\" style=\"background:\(colour(status))\"></span>\(status.rawValue) (\(counts[status]))</label>"
        }
        out += "</div>\n"

        out += timeline(job)
        out += table(job)
        out += script
        out += "</body></html>\n"
        return out
    }

    // MARK: timeline

    static func timeline(_ job: JobSummary) -> String {
        let layout = TimelineLayout(tests: job.tests, hosts: job.hosts, origin: job.startEpoch, minimumSpan: job.jobTime)
        guard !layout.lanes.isEmpty else { return "<p>No test ran: no timeline.</p>\n" }
        let span = max(layout.span, 0.001)
        let scale = plotWidth / span
        let width = labelWidth + plotWidth + 28  // room for the last tick's label
        let height = axisHeight + Double(layout.lanes.count) * laneHeight + 4
        var svg = "<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
        svg += "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"Tests over time, one lane per host slot\">\n"
        // Axis: about 10 ticks at a round step.
        let step = tickStep(span)
        var tick = 0.0
        while tick <= span + step * 0.001 {
            let x = labelWidth + tick * scale
            svg += "<line class=\"tick\" x1=\"\(n(x))\" y1=\"\(n(axisHeight - 4))\" x2=\"\(n(x))\" y2=\"\(n(height))\"/>"
            svg += "<text x=\"\(n(x + 2))\" y=\"\(n(axisHeight - 8))\">\(seconds(tick))</text>\n"
            tick += step
        }
        let hostSlots = Dictionary(grouping: layout.lanes, by: \.host).mapValues(\.count)
        for (i, lane) in layout.lanes.enumerated() {
            let y = axisHeight + Double(i) * laneHeight
            svg += "<rect class=\"lane\(i % 2 == 1 ? " odd" : "")\" x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(plotWidth))\" height=\"\(n(laneHeight))\"/>"
            let label = (hostSlots[lane.host] ?? 1) > 1 ? "\(lane.host) #\(lane.slot + 1)" : lane.host
            svg += "<text class=\"lanelabel\" x=\"4\" y=\"\(n(y + laneHeight - 5))\">\(esc(String(label.prefix(26))))<title>\(esc(label))</title></text>\n"
        }
        let byUID = Dictionary(job.tests.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })
        for bar in layout.bars {
            guard let t = byUID[bar.uid] else { continue }
            let x = labelWidth + bar.start * scale
            // At least a hairline, so a 5 ms test is still visible and hoverable.
            let w = max(1.5, (bar.end - bar.start) * scale)
            let y = axisHeight + Double(bar.lane) * laneHeight + 2
            let tip = "\(t.id)\n\(t.status.rawValue) · \(fixed(t.timeElapsed, 2)) s on \(t.host ?? "?")"
                + (t.failReason.map { "\n" + String($0.prefix(300)) } ?? "")
            svg += "<a href=\"#t\(bar.uid)\"><rect class=\"bar\" data-status=\"\(t.status.rawValue)\" data-uid=\"\(bar.uid)\" "
            svg += "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(laneHeight - 4))\" fill=\"\(colour(t.status))\">"
            svg += "<title>\(esc(tip))</title></rect></a>\n"
        }
        svg += "</svg>\n"
        var idle = "<p class=\"meta\">Idle slot time: "
        idle += Array(Set(layout.lanes.map(\.host))).sorted().map { host in
            "\(esc(host)) \(fixed(layout.idleSeconds(host: host), 1)) s"
        }.joined(separator: " · ")
        idle += "</p>\n"
        return svg + idle
    }

    /// A round step (1, 2 or 5 × 10ⁿ seconds) giving at most about 10 ticks.
    static func tickStep(_ span: Double) -> Double {
        let raw = span / 10
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw && magnitude > 0.001 { magnitude /= 10 }
        for m in [1.0, 2.0, 5.0, 10.0] where magnitude * m >= raw { return magnitude * m }
        return magnitude * 10
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(fixed(s, s < 1 ? 2 : 1)) s"
    }

    /// SVG coordinates with 2 decimals at most.
    static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    // MARK: table

    static func table(_ job: JobSummary) -> String {
        var out = "<table id=\"tests\">\n<thead><tr><th>Test</th><th>Kind</th><th>Status</th><th>Host</th><th>Arch</th>"
        out += "<th>QEMU</th><th>Time (s)</th><th>Attempts</th><th>Reason</th><th>Logs</th></tr></thead>\n<tbody>\n"
        for t in job.tests {
            let dir = relative(t.logdir, to: job.jobDir)
            var links = ""
            if !dir.isEmpty {
                links = ["debug.log", "stdout", "stderr"].map { "<a href=\"\(esc(urlPath(dir + "/" + $0)))\">\($0)</a>" }
                    .joined(separator: " ")
            }
            // Earlier attempts' logs are in attempt-N/ of the test dir (docs/faults.md): link each.
            let attempts = t.attempts.count > 1
                ? "\(t.attempts.count): " + t.attempts.enumerated().map { i, a in
                    let label = "\(esc(a.host)) \(a.status.rawValue)"
                    guard i < t.attempts.count - 1, !dir.isEmpty else { return label }
                    return "<a href=\"\(esc(urlPath(dir + "/attempt-\(i + 1)/debug.log")))\">\(label)</a>"
                }.joined(separator: ", ")
                : String(t.attempts.count)
            let flakyMark = t.flaky == true ? " <small title=\"passed on a retry\">(flaky)</small>" : ""
            out += "<tr id=\"t\(t.uid)\" data-status=\"\(t.status.rawValue)\"><td class=\"id\">\(esc(t.id))</td><td class=\"kind\">\(t.kind.rawValue)</td>"
            out += "<td class=\"st\" style=\"background:\(colour(t.status))\">\(t.status.rawValue)\(flakyMark)</td>"
            out += "<td>\(esc(t.host ?? ""))</td><td>\(esc(t.arch ?? ""))</td>"
            out += "<td class=\"qemu\">\(esc(t.qemuBin ?? ""))\(t.qemuVersion.map { "<br><small>" + esc($0) + "</small>" } ?? "")</td>"
            out += "<td>\(t.ran ? fixed(t.timeElapsed, 2) : "")</td><td>\(attempts)</td>"
            out += "<td class=\"reason\">\(t.status == .pass ? "" : esc(t.failReason ?? ""))</td><td>\(links)</td></tr>\n"
        }
        out += "</tbody></table>\n"
        return out
    }

    /// Hides the rows (and dims the bars) of unchecked statuses. `results.html#only=FAIL,ERROR`
    /// starts with only those checked (a CI job can link straight to its failures).
    static let script = """
    <script>
    (function(){
      var boxes=document.querySelectorAll('#filter input');
      var only=/only=([A-Z,]+)/.exec(location.hash);
      if(only){var keep=only[1].split(',');boxes.forEach(function(b){b.checked=keep.indexOf(b.value)>=0;});}
      function apply(){
        var on={};
        boxes.forEach(function(b){on[b.value]=b.checked;});
        document.querySelectorAll('#tests tbody tr').forEach(function(r){
          r.classList.toggle('hidden',!on[r.dataset.status]);});
        document.querySelectorAll('#timeline rect.bar').forEach(function(b){
          b.classList.toggle('dim',!on[b.dataset.status]);});
      }
      boxes.forEach(function(b){b.addEventListener('change',apply);});
      apply();
      document.body.dataset.ready='1';
    })();
    </script>

    """

    static func colour(_ status: TestStatus) -> String { colours[status] ?? "#777" }

    static func relative(_ path: String, to base: String) -> String {
        path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }

    /// Percent-encodes all but unreserved characters and `/`: test names hold `#`, `%`, spaces.
    static func urlPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Text and attribute values (both quote kinds).
    static func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
