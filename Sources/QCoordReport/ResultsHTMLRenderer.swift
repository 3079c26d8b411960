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
    /// Narrowest bar, in SVG units (0.4% of the axis): a sub-0.1 s test stays visible.
    static let minimumBar = 4.0

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
        h1{font-size:1.3em;margin:.2em 0;overflow-wrap:anywhere}
        .meta{color:#555;margin:.2em 0 .8em}
        .counts span{display:inline-block;margin:0 .4em .3em 0;padding:.15em .5em;border-radius:3px;color:#fff}.counts span[data-status]{cursor:pointer}
        #summary{display:flex;flex-wrap:wrap;gap:.4em 1.5em;align-items:flex-start;margin:.4em 0}#summary>div{max-width:100%;min-width:0}
        table.by{font-size:.85em;width:auto}table.by caption{text-align:left;font-weight:600;padding:.1em 0}
        table.by td{text-align:right}table.by td.z{color:#bbb}table.by td.bad{color:#fff;font-weight:600}
        #filter{margin:.8em 0;display:flex;flex-wrap:wrap;gap:.3em .9em;align-items:center}
        #filter label{cursor:pointer;white-space:nowrap}
        #filter #q{flex:1 1 14em;max-width:30em;padding:.25em .4em;font:inherit}
        .sw{display:inline-block;width:.8em;height:.8em;margin-right:.25em;border-radius:2px;vertical-align:-.05em}
        .legend{font-size:.85em;color:#444;margin:.2em 0}.legend>span{margin-right:.9em;white-space:nowrap}.legend>span.note{white-space:normal}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;font-size:.85em;width:100%}
        td,th{border:1px solid #ddd;padding:.25em .4em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}
        td.reason{min-width:9em;max-width:40em;overflow-wrap:anywhere}
        td.reason.one,td.reason summary{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:12em}
        td.reason pre{white-space:pre-wrap;margin:.3em 0;font-size:.95em}
        td.id{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:min(16em,22vw)}td.id .short{display:none}
        td.id button.cp{border:1px solid #ccc;background:#fafafa;border-radius:3px;font-size:.8em;padding:0 .3em;margin-right:.3em;cursor:pointer}
        td.qemu{white-space:nowrap}
        td.st{color:#fff;font-weight:600;white-space:nowrap}td.kind{font-size:.85em}td.logs{white-space:nowrap}
        tr[data-firstpass] td{border-top:3px solid #999}
        tr:target{outline:2px solid #36c}
        .timeline{border:1px solid #ddd;margin:.5em 0 .3em;width:100%;min-width:900px;height:auto;display:block}
        .timeline .lane{fill:#f1f1f1}.timeline .lane.odd{fill:#e8e8e8}
        .timeline text{font-size:11px;fill:#333}
        .timeline .tick{stroke:#bbb;stroke-width:.5}
        .timeline rect.bar{stroke:#fff;stroke-width:.5}
        .hidden{display:none}
        @media (max-width:700px){body{margin:.6em}#tests tr>:nth-child(2),#tests tr>:nth-child(5),#tests tr>:nth-child(6),#tests tr>:nth-child(8){display:none}td.id{max-width:48vw}td.id.s{font-size:0}td.id.s .short{display:inline-block;font-size:.8rem;max-width:calc(48vw - 4rem);overflow:hidden;text-overflow:ellipsis;vertical-align:bottom}td.id.s button.cp{font-size:.7rem}td.reason{min-width:8em}}
        .timeline .dim{opacity:.12}
        </style></head><body>
        <h1>qcoord job \(esc(job.jobID))</h1>
        <p class="meta">\(esc(job.jobName)) · started \(esc(job.start)) · job time \(fixed(job.jobTime, 2)) s · \(job.tests.count) tests</p>

        """
        out += "<div id=\"summary\"><div><p class=\"counts\" id=\"counts\" title=\"\(esc(counts.resultsLine))\">"
        for status in StatusCounts.resultsOrder {
            out += "<span style=\"background:\(colour(status))\" data-status=\"\(status.rawValue)\" role=\"button\" tabindex=\"0\" "
            out += "title=\"Show only \(status.rawValue) (again: all)\">\(status.resultsLabel) \(counts[status])</span>"
        }
        let flaky = job.flakyTests.count
        if flaky > 0 { out += "<span style=\"background:#b8860b\" title=\"passed on a retry\">FLAKY \(flaky)</span>" }
        out += "</p></div>\n"
        out += summaryTable(job, caption: "By host", id: "byhost", first: job.hosts.map(\.name), key: { $0.host }, label: { host in
            guard let host else { return "(not run)" }
            let arch = job.hosts.first { $0.name == host }?.arch ?? job.tests.first { $0.host == host }?.arch
            return esc(host) + (arch.map { " <small>" + esc($0) + "</small>" } ?? "")
        })
        out += summaryTable(job, caption: "By arch", id: "byarch", key: { $0.arch }, label: { $0.map(esc) ?? "(none)" })
        out += assetTable(job)
        out += "</div>\n"
        if let reason = job.interruption { out += "<p><strong>Interrupted:</strong> \(esc(reason))</p>\n" }

        out += "<div id=\"filter\"><input id=\"q\" type=\"search\" placeholder=\"Filter: id, host, arch, reason…\" "
        out += "aria-label=\"Filter the tests\"> "
        for status in StatusCounts.resultsOrder {
            out += "<label><input type=\"checkbox\" value=\"\(status.rawValue)\" checked>"
            out += "<span class=\"sw\" style=\"background:\(colour(status))\"></span>\(status.rawValue) (\(counts[status]))</label>"
        }
        out += "<span id=\"shown\">\(job.tests.count) of \(job.tests.count) shown</span></div>\n"

        out += timeline(job)
        out += table(job)
        out += script
        out += "</body></html>\n"
        return out
    }

    // MARK: summary

    /// Non-PASS first, the worst first: ERROR, FAIL, INTERRUPTED, WARN, CANCEL, SKIP, then PASS.
    static let severity: [TestStatus] = [.error, .fail, .interrupted, .warn, .cancel, .skip, .pass]

    /// The tests in table order: by `severity`, then uid.
    static func ordered(_ tests: [TestResult]) -> [TestResult] {
        func rank(_ s: TestStatus) -> Int { severity.firstIndex(of: s) ?? severity.count }
        return tests.sorted { (rank($0.status), $0.uid) < (rank($1.status), $1.uid) }
    }

    /// Counts per status of each group of tests (host, arch); only the job's statuses get a column.
    /// Rows: `first` (even without tests), then the other keys in order of appearance, nil last.
    static func summaryTable(_ job: JobSummary, caption: String, id: String, first: [String] = [],
                             key: (TestResult) -> String?, label: (String?) -> String) -> String {
        let statuses = StatusCounts.resultsOrder.filter { job.counts[$0] > 0 }
        guard !statuses.isEmpty else { return "" }
        var keys: [String?] = first
        for t in job.tests where !keys.contains(key(t)) { keys.append(key(t)) }
        if keys.contains(nil) { keys.removeAll { $0 == nil }; keys.append(nil) }
        var out = "<div class=\"scroll\"><table class=\"by\" id=\"\(id)\"><caption>\(caption)</caption><tr><th></th>"
        out += statuses.map { "<th>\($0.rawValue)</th>" }.joined() + "<th>total</th></tr>"
        for k in keys {
            let tests = job.tests.filter { key($0) == k }
            let c = StatusCounts(tests.map(\.status))
            out += "<tr><th>\(label(k))</th>"
            for s in statuses {
                let v = c[s]
                if v == 0 { out += "<td class=\"z\">0</td>" } else if s == .pass { out += "<td>\(v)</td>" } else {
                    out += "<td class=\"bad\" style=\"background:\(colour(s))\">\(v)</td>"
                }
            }
            out += "<td>\(tests.count)</td></tr>"
        }
        return out + "</table></div>\n"
    }

    /// Per SSH host, the asset bytes the job pushed and found already there; none without a push.
    static func assetTable(_ job: JobSummary) -> String {
        let hosts = job.hosts.filter { $0.assets != nil }
        guard !hosts.isEmpty else { return "" }
        var out = "<div class=\"scroll\"><table class=\"by\" id=\"assets\"><caption>Assets</caption>"
        out += "<tr><th></th><th>pushed</th><th>reused</th><th>evicted</th></tr>"
        for host in hosts {
            guard let a = host.assets else { continue }
            out += "<tr><th>\(esc(host.name))</th>"
            if let failed = a.failed {
                out += "<td colspan=\"3\" class=\"bad\" style=\"background:\(colour(.error))\" title=\"\(esc(failed))\">push failed</td></tr>"
                continue
            }
            out += "<td title=\"\(a.pushedBytes) bytes\">\(a.pushedFiles) · \(esc(ByteSize.format(a.pushedBytes)))</td>"
            out += "<td title=\"\(a.reusedBytes) bytes\">\(a.reusedFiles) · \(esc(ByteSize.format(a.reusedBytes)))</td>"
            out += "<td\(a.evictedFiles == 0 ? " class=\"z\"" : "")>\(a.evictedFiles)</td></tr>"
        }
        return out + "</table></div>\n"
    }

    // MARK: timeline

    static func timeline(_ job: JobSummary) -> String {
        let layout = TimelineLayout(tests: job.tests, hosts: job.hosts, origin: job.startEpoch, minimumSpan: job.jobTime)
        guard !layout.lanes.isEmpty else { return "<p>No test ran: no timeline.</p>\n" }
        let span = max(layout.span, 0.001)
        let scale = plotWidth / span
        let width = labelWidth + plotWidth + 28  // room for the last tick's label
        let height = axisHeight + Double(layout.lanes.count) * laneHeight + 4
        var svg = "<div class=\"scroll\"><svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
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
        // The inventory's arch of each host, else the arch its tests ran on.
        var archs: [String: String] = [:]
        for h in job.hosts where archs[h.name] == nil { archs[h.name] = h.arch }
        for t in job.tests { if let h = t.host, let a = t.arch, archs[h] == nil { archs[h] = a } }
        for (i, lane) in layout.lanes.enumerated() {
            let y = axisHeight + Double(i) * laneHeight
            svg += "<rect class=\"lane\(i % 2 == 1 ? " odd" : "")\" x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(plotWidth))\" height=\"\(n(laneHeight))\"/>"
            let arch = archs[lane.host].map { " · " + $0 } ?? ""
            let label = lane.host + arch + ((hostSlots[lane.host] ?? 1) > 1 ? " #\(lane.slot + 1)" : "")
            svg += "<text class=\"lanelabel\" x=\"4\" y=\"\(n(y + laneHeight - 5))\">\(esc(String(label.prefix(26))))<title>\(esc(label))</title></text>\n"
        }
        let byUID = Dictionary(job.tests.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })
        for bar in layout.bars {
            guard let t = byUID[bar.uid] else { continue }
            let x = labelWidth + bar.start * scale
            // At least `minimumBar`, so a 5 ms test is still visible and hoverable (even on a phone).
            let w = max(minimumBar, (bar.end - bar.start) * scale)
            let y = axisHeight + Double(bar.lane) * laneHeight + 2
            let attempt = t.attempts.count > 1 ? "\nattempt \(t.attempts.count) of \(t.attempts.count)" : "\nattempt 1"
            let tip = "\(t.id)\n\(t.status.rawValue) · \(fixed(t.timeElapsed, 2)) s on \(t.host ?? "?")" + attempt
                + (t.failReason.map { "\n" + String($0.prefix(300)) } ?? "")
            svg += "<a href=\"#t\(bar.uid)\"><rect class=\"bar\" data-status=\"\(t.status.rawValue)\" data-uid=\"\(bar.uid)\" "
            svg += "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(laneHeight - 4))\" fill=\"\(colour(t.status))\">"
            svg += "<title>\(esc(tip))</title></rect></a>\n"
        }
        svg += "</svg></div>\n"
        svg += "<p class=\"legend\" id=\"legend\">"
        svg += severity.reversed().map { "<span><span class=\"sw\" style=\"background:\(colour($0))\"></span>\($0.rawValue)</span>" }.joined()
        svg += "<span class=\"note\">bars at least \(n(minimumBar / plotWidth * 100))% wide; hover a bar for the test, click it for its row</span></p>\n"
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
        var out = "<div class=\"scroll\"><table id=\"tests\">\n<thead><tr><th>Test</th><th>Kind</th><th>Status</th><th>Host</th><th>Arch</th>"
        out += "<th>QEMU</th><th>Time (s)</th><th>Attempts</th><th>Reason</th><th>Logs</th></tr></thead>\n<tbody>\n"
        let rows = ordered(job.tests)
        // A thicker line above the first PASS when failures come before it.
        let firstPass = rows.firstIndex { $0.status == .pass }.flatMap { $0 > 0 ? rows[$0].uid : nil }
        for t in rows {
            let dir = relative(t.logdir, to: job.jobDir)
            var links = ""
            if !t.ran {
                // Never started: no log to link to (its dir has at most a debug.log saying why).
                links = "<a href=\"#r\(t.uid)\">reason</a>"
            } else if !dir.isEmpty {
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
            out += "<tr id=\"t\(t.uid)\" data-status=\"\(t.status.rawValue)\"\(t.uid == firstPass ? " data-firstpass=\"1\"" : "")>"
            out += "<td class=\"id\">\(esc(t.id))</td><td class=\"kind\">\(t.kind.rawValue)</td>"
            out += "<td class=\"st\" style=\"background:\(colour(t.status))\">\(t.status.rawValue)\(flakyMark)</td>"
            out += "<td>\(esc(t.host ?? ""))</td><td>\(esc(t.arch ?? ""))</td>"
            out += qemuCell(t)
            out += "<td>\(t.ran ? fixed(t.timeElapsed, 2) : "")</td><td>\(attempts)</td>"
            out += reasonCell(t) + "<td class=\"logs\">\(links)</td></tr>\n"
        }
        out += "</tbody></table></div>\n"
        return out
    }

    /// The QEMU binary's file name and version number (`7.2.22`); its path and whole version on hover.
    static func qemuCell(_ t: TestResult) -> String {
        guard let bin = t.qemuBin else { return "<td class=\"qemu\"></td>" }
        let name = bin.split(separator: "/").last.map(String.init) ?? bin
        let full = bin + (t.qemuVersion.map { " " + $0 } ?? "")
        let number = t.qemuVersion?.split(separator: " ").first.map(String.init)
        return "<td class=\"qemu\" title=\"\(esc(full))\">\(esc(name))\(number.map { "<br><small>" + esc($0) + "</small>" } ?? "")</td>"
    }

    /// Longest reason shown as is on one line; longer or multi-line ones fold into a `<details>`.
    static let reasonLine = 160

    /// The reason (none for PASS): one line; a long or multi-line one folds into a `<details>`
    /// whose summary is its first line. CANCEL and SKIP reasons never wrap (ellipsized, full on hover).
    static func reasonCell(_ t: TestResult) -> String {
        let reason = t.status == .pass ? "" : (t.failReason ?? "")
        let oneLine = t.status == .cancel || t.status == .skip
        let lines = reason.split(separator: "\n", omittingEmptySubsequences: true)
        let head = lines.first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        var cls = "reason"
        if oneLine && lines.count <= 1 && reason.count <= reasonLine { cls += " one" }
        var out = "<td class=\"\(cls)\" id=\"r\(t.uid)\""
        if oneLine && !reason.isEmpty { out += " title=\"\(esc(reason))\"" }
        out += ">"
        if lines.count > 1 || reason.count > reasonLine {
            let summary = head.count > reasonLine ? String(head.prefix(reasonLine)) + "…" : head
            out += "<details><summary>\(esc(summary))</summary><pre>\(esc(reason))</pre></details>"
        } else {
            out += esc(reason)
        }
        return out + "</td>"
    }

    /// Hides the rows (and dims the bars) of unchecked statuses and of rows without every word
    /// of the filter box (matched in the row's text: id, host, arch, QEMU, reason).
    /// `results.html#only=FAIL,ERROR` starts with only those checked (a CI job can link straight
    /// to its failures); `#q=words` fills the filter box (both: `#only=FAIL&q=boot`).
    /// Also gives each test id its full text on hover, a copy button, and a short form for phones.
    static let script = """
    <script>
    (function(){
      var boxes=document.querySelectorAll('#filter input[type=checkbox]');
      var q=document.getElementById('q');
      var rows=document.querySelectorAll('#tests tbody tr');
      var bars={};
      document.querySelectorAll('#timeline rect.bar').forEach(function(b){bars[b.dataset.uid]=b;});
      var hash=location.hash.slice(1);
      var only=/(?:^|&)only=([A-Z,]+)/.exec(hash);
      if(only){var keep=only[1].split(',');boxes.forEach(function(b){b.checked=keep.indexOf(b.value)>=0;});}
      var qs=/(?:^|&)q=([^&]*)/.exec(hash);
      if(qs){try{q.value=decodeURIComponent(qs[1]);}catch(e){q.value=qs[1];}}
      function copy(text,btn){
        function done(){btn.textContent='copied';setTimeout(function(){btn.textContent='copy';},900);}
        if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(done,fallback);}else{fallback();}
        function fallback(){var ta=document.createElement('textarea');ta.value=text;document.body.appendChild(ta);
          ta.select();try{document.execCommand('copy');done();}catch(e){}document.body.removeChild(ta);}
      }
      document.querySelectorAll('#tests td.id').forEach(function(td){
        var id=td.textContent;td.title=id;
        var b=document.createElement('button');b.className='cp';b.type='button';b.textContent='copy';
        b.title='Copy the test id';b.setAttribute('aria-label','Copy '+id);
        b.addEventListener('click',function(e){e.preventDefault();copy(id,b);});
        // Phones show `uid-…last/part` (the file and test), the whole id stays in the cell's text.
        var cut=id.indexOf('-'),slash=id.lastIndexOf('/');
        if(cut>0&&slash>cut+1){var sh=document.createElement('span');sh.className='short';
          sh.textContent=id.slice(0,cut+1)+'\\u2026'+id.slice(slash+1);td.insertBefore(sh,td.firstChild);td.classList.add('s');}
        td.insertBefore(b,td.firstChild);
      });
      function apply(){
        var on={};
        boxes.forEach(function(b){on[b.value]=b.checked;});
        var words=q.value.toLowerCase().split(/\\s+/).filter(function(w){return w.length>0;});
        var shown=0;
        rows.forEach(function(r){
          var text=r.textContent.toLowerCase();
          var ok=!!on[r.dataset.status]&&words.every(function(w){return text.indexOf(w)>=0;});
          r.classList.toggle('hidden',!ok);
          var bar=bars[r.id.slice(1)];
          if(bar)bar.classList.toggle('dim',!ok);
          if(ok)shown++;
        });
        document.getElementById('shown').textContent=shown+' of '+rows.length+' shown';
      }
      // The filter goes into the URL (#only=…&q=…), so the view can be shared or reloaded.
      function remember(){
        var onl=[],parts=[];
        boxes.forEach(function(b){if(b.checked)onl.push(b.value);});
        if(onl.length<boxes.length)parts.push('only='+(onl.length?onl.join(','):'NONE'));
        if(q.value)parts.push('q='+encodeURIComponent(q.value));
        if(history.replaceState)history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname+location.search);
      }
      function changed(){apply();remember();}
      boxes.forEach(function(b){b.addEventListener('change',changed);});
      q.addEventListener('input',changed);
      // A count in the summary shows only its status; clicked again, every status.
      document.querySelectorAll('#counts span[data-status]').forEach(function(c){
        function solo(){
          var st=c.dataset.status,alone=true;
          boxes.forEach(function(b){if(b.checked!==(b.value===st))alone=false;});
          boxes.forEach(function(b){b.checked=alone||b.value===st;});
          changed();
        }
        c.addEventListener('click',solo);
        c.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();solo();}});
      });
      document.addEventListener('keydown',function(e){
        if(e.key==='/'&&document.activeElement!==q){e.preventDefault();q.focus();}});
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
