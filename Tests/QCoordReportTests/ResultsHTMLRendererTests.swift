import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct ResultsHTMLRendererTests {
    static func test(_ uid: Int, _ name: String, _ status: TestStatus, host: String?, start: Double, end: Double,
                     reason: String? = nil, ran: Bool = true) -> TestResult {
        TestResult(uid: uid, id: "\(uid)-\(name)", name: name, kind: .simple, status: status, failReason: reason,
                   timeElapsed: end - start, actualTimeStart: start, actualTimeEnd: end,
                   logdir: "/r/job/test-results/\(uid)-" + SafePath.testDirectoryName(name), host: host, arch: "x86_64",
                   qemuBin: host == nil ? nil : "/usr/bin/qemu-system-x86_64",
                   attempts: host.map { [.init(host: $0, status: status, failReason: reason, time: end - start)] } ?? [], ran: ran)
    }

    static let job = JobSummary(
        jobID: "abc", jobDir: "/r/job", jobName: "job-x", start: "2026-11-22 01:00:00.000000", timestamp: "t", jobTime: 10,
        tests: [
            test(1, "a.sh", .pass, host: "h1", start: 100, end: 104),
            test(2, "b<script>alert('x')</script>.sh", .fail, host: "h1", start: 101, end: 103, reason: "<b>\"bad\"</b> & 'worse'"),
            test(3, "c #1 %.sh", .pass, host: "h1", start: 104.0005, end: 106),
            test(4, "d.sh", .interrupted, host: "h2", start: 100, end: 109),
            test(5, "e.sh", .skip, host: nil, start: 0, end: 0, reason: "Interrupting job (failfast).", ran: false),
        ],
        hosts: [JobHost(name: "h1", arch: "x86_64", slots: 2), JobHost(name: "h2", arch: "aarch64", slots: 1),
                JobHost(name: "idle", arch: "s390x", slots: 1)],
        startEpoch: 100)

    @Test func theAssetTableShowsPerHostBytesPushedAndReusedOnlyWhenThereWasAPush() {
        #expect(!ResultsHTMLRenderer.render(Self.job).contains("id=\"assets\""))
        var job = Self.job
        job.hosts[0].assets = HostAssetTraffic(pushedFiles: 2, pushedBytes: 2 * 1_048_576, reusedFiles: 1, reusedBytes: 1024)
        job.hosts[1].assets = HostAssetTraffic(failed: "sftp <denied>")
        let html = ResultsHTMLRenderer.render(job)
        #expect(html.contains("<table class=\"by\" id=\"assets\"><caption>Assets</caption>"))
        #expect(html.contains("<tr><th>h1</th><td title=\"2097152 bytes\">2 · \(ByteSize.format(2 * 1_048_576))</td>"
                              + "<td title=\"1024 bytes\">1 · \(ByteSize.format(1024))</td><td class=\"z\">0</td></tr>"))
        #expect(html.contains("title=\"sftp &lt;denied&gt;\">push failed</td>"))
        #expect(!html.contains("<th>idle</th><td title"))
    }

    @Test func escapesEverythingFromTests() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<b>\"bad\""))
        #expect(html.contains("2-b&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;.sh"))
        #expect(html.contains("&lt;b&gt;&quot;bad&quot;&lt;/b&gt; &amp; &#39;worse&#39;"))
        // The one script is ours.
        #expect(html.components(separatedBy: "<script>").count == 2)
    }

    @Test func earlierAttemptsLinkTheirLogsTheLastIsTheTestsOwn() {
        var retried = Self.test(6, "f.sh", .pass, host: "h2", start: 100, end: 101)
        retried.attempts = [.init(host: "h1", status: .fail, failReason: "boom", time: 1),
                            .init(host: "h3", status: .error, failReason: "host h3 lost", time: 1),
                            .init(host: "h2", status: .pass, failReason: nil, time: 1)]
        var job = Self.job
        job.tests = [retried]
        let html = ResultsHTMLRenderer.render(job)
        #expect(html.contains("3: <a href=\"test-results/6-f.sh/attempt-1/debug.log\">h1 FAIL</a>, "
                              + "<a href=\"test-results/6-f.sh/attempt-2/debug.log\">h3 ERROR</a>, h2 PASS"))
    }

    @Test func selfContained() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count == 2)  // only the SVG namespace
        #expect(html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func oneBarPerTestThatRanInItsHostSlotLane() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(html.components(separatedBy: "<rect class=\"bar\"").count - 1 == 4)
        // h1 ran two tests at once: two lanes; h2 one; the idle host still gets its lane.
        for label in [">h1 · x86_64 #1<", ">h1 · x86_64 #2<", ">h2 · aarch64<", ">idle · s390x<"] {
            #expect(html.contains(label), "\(label)")
        }
        #expect(html.contains("<title>2-b&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;.sh\nFAIL · 2.00 s on h1"))
        #expect(html.contains("data-status=\"INTERRUPTED\" data-uid=\"4\""))
        #expect(html.contains("idle 10.0 s"))
    }

    @Test func filterHasAStatusCheckboxWithCountsAndRowsCarryTheirStatus() {
        let html = ResultsHTMLRenderer.render(Self.job)
        for status in TestStatus.allCases {
            #expect(html.contains("<input type=\"checkbox\" value=\"\(status.rawValue)\" checked>"), "\(status)")
        }
        #expect(html.contains("PASS (2)</label>") && html.contains("FAIL (1)</label>") && html.contains("CANCEL (0)</label>"))
        #expect(html.contains("<tr id=\"t4\" data-status=\"INTERRUPTED\">"))
        #expect(html.contains("var ok=!!on[r.dataset.status]&&") && html.contains("r.classList.toggle('hidden',!ok)"))
    }

    @Test func rowsHaveHostArchQemuAttemptsAndRelativeEncodedLogLinks() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(html.contains("<td>h2</td><td>x86_64</td><td class=\"qemu\" title=\"/usr/bin/qemu-system-x86_64\">qemu-system-x86_64</td><td>9.00</td><td>1</td>"))
        #expect(html.contains("<a href=\"test-results/3-c%20%231%20%25.sh/debug.log\">debug.log</a>"))
        #expect(html.contains("href=\"test-results/1-a.sh/stderr\""))
        #expect(html.contains("Interrupting job (failfast)."))
    }

    @Test func noTimelineWhenNothingRan() {
        let job = JobSummary(jobID: "j", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 0,
                             tests: [Self.test(1, "x.sh", .skip, host: nil, start: 0, end: 0, ran: false)])
        let html = ResultsHTMLRenderer.render(job)
        #expect(html.contains("No test ran") && !html.contains("<svg"))
    }

    /// The `<tr id="tN"` of the table, in order.
    static func rowUIDs(_ html: String) -> [Int] {
        html.components(separatedBy: "<tr id=\"t").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }

    @Test func failuresFirstThenPassWithASummaryPerHostAndArch() {
        let html = ResultsHTMLRenderer.render(Self.job)
        // FAIL, INTERRUPTED, SKIP, then the PASSes in uid order; a line above the first PASS.
        #expect(Self.rowUIDs(html) == [2, 4, 5, 1, 3])
        #expect(html.contains("<tr id=\"t1\" data-status=\"PASS\" data-firstpass=\"1\">"))
        #expect(html.contains("<tr id=\"t2\" data-status=\"FAIL\"><td class=\"id\">"))
        // Only the job's statuses get a column; the hosts in inventory order with their arch, idle ones too.
        #expect(html.contains("<table class=\"by\" id=\"byhost\"><caption>By host</caption><tr><th></th><th>PASS</th><th>FAIL</th>"
                              + "<th>SKIP</th><th>INTERRUPTED</th><th>total</th></tr>"))
        #expect(html.contains("<tr><th>h1 <small>x86_64</small></th><td>2</td><td class=\"bad\" style=\"background:#d9342b\">1</td>"
                              + "<td class=\"z\">0</td><td class=\"z\">0</td><td>3</td></tr>"))
        #expect(html.contains("<tr><th>idle <small>s390x</small></th><td class=\"z\">0</td>"))
        #expect(html.contains("<tr><th>(not run)</th><td class=\"z\">0</td><td class=\"z\">0</td><td class=\"bad\" style=\"background:#9a9a9a\">1</td>"))
        #expect(html.contains("<table class=\"by\" id=\"byarch\"><caption>By arch</caption>"))
        #expect(html.contains("<tr><th>x86_64</th><td>2</td>"))
        // The summary comes before the timeline and the table.
        let summary = html.range(of: "id=\"summary\"")!.lowerBound
        #expect(summary < html.range(of: "<svg")!.lowerBound && summary < html.range(of: "<table id=\"tests\"")!.lowerBound)
    }

    @Test func allPassHasNoSeparatorLine() {
        var job = Self.job
        job.tests = [Self.test(1, "a.sh", .pass, host: "h1", start: 100, end: 101)]
        let html = ResultsHTMLRenderer.render(job)
        #expect(!html.contains("data-firstpass=\"1\""))
        #expect(!html.contains("id=\"byhost\"><caption>By host</caption><tr><th></th><th>PASS</th><th>FAIL"))
    }

    @Test func filterBoxAndStatusTogglesWorkOffline() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(html.contains("<input id=\"q\" type=\"search\""))
        #expect(html.contains("<span id=\"shown\">5 of 5 shown</span>"))
        // Every word of the box must be in the row's text; #q= and #only= preset them.
        #expect(html.contains("words.every(function(w){return text.indexOf(w)>=0;})"))
        #expect(html.contains("/(?:^|&)q=([^&]*)/.exec(hash)") && html.contains("/(?:^|&)only=([A-Z,]+)/.exec(hash)"))
        #expect(html.contains("q.addEventListener('input',changed)"))
        // The summary's counts are toggles too, and the filter is kept in the URL.
        #expect(html.contains("<span style=\"background:#d9342b\" data-status=\"FAIL\" role=\"button\" tabindex=\"0\" "
                              + "title=\"Show only FAIL (again: all)\">FAIL 1</span>"))
        #expect(html.contains("document.querySelectorAll('#counts span[data-status]')"))
        #expect(html.contains("parts.push('only='+(onl.length?onl.join(','):'NONE'))") && html.contains("history.replaceState(null,''"))
    }

    @Test func idCellsStayExactAndNeverWrapTheScriptAddsTitleAndCopy() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(html.contains("<td class=\"id\">3-c #1 %.sh</td><td class=\"kind\">SIMPLE</td>"))
        #expect(html.contains("td.id{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:min(16em,22vw)}"))
        #expect(html.contains("td.title=id") && html.contains("b.className='cp'") && html.contains("td.insertBefore(b,td.firstChild)"))
        // Phones: the text node is hidden behind `uid-…file` (inserted before it: the cell still ends `>ID</td>`).
        #expect(html.contains("sh.textContent=id.slice(0,cut+1)+'\\u2026'+id.slice(slash+1);td.insertBefore(sh,td.firstChild)"))
        #expect(html.contains("td.id.s{font-size:0}td.id.s .short{display:inline-block;font-size:.8rem;"))
    }

    @Test func cancelAndSkipReasonsAreOneLineLongDetailFolds() {
        var job = Self.job
        let long = Self.test(6, "g.sh", .cancel, host: "h1", start: 100, end: 101,
                             reason: "no host can run it: " + String(repeating: "x86_64 ", count: 40))
        let multi = Self.test(7, "h.sh", .fail, host: "h1", start: 100, end: 101, reason: "first <line>\n  traceback\n  more")
        let skip = Self.test(8, "i.sh", .skip, host: "h1", start: 100, end: 101, reason: "not on this host")
        job.tests = [long, multi, skip]
        let html = ResultsHTMLRenderer.render(job)
        #expect(html.contains("<td class=\"reason one\" id=\"r8\" title=\"not on this host\">not on this host</td>"))
        #expect(html.contains("<td class=\"reason\" id=\"r7\"><details><summary>first &lt;line&gt;</summary>"
                              + "<pre>first &lt;line&gt;\n  traceback\n  more</pre></details></td>"))
        #expect(html.contains("<td class=\"reason\" id=\"r6\" title=\"no host can run it: x86_64"))
        #expect(html.contains("<details><summary>no host can run it: x86_64 x86_64"))
        #expect(html.contains("…</summary>"))
        #expect(html.contains("td.reason.one,td.reason summary{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;"))
    }

    @Test func timelineBarsHaveAMinimumWidthArchLabelsAttemptsAndALegend() {
        var job = Self.job
        var retried = Self.test(6, "quick.sh", .pass, host: "h2", start: 109.5, end: 109.501)
        retried.attempts = [.init(host: "h1", status: .fail, failReason: "boom", time: 1), .init(host: "h2", status: .pass, failReason: nil, time: 0.001)]
        job.tests.append(retried)
        let html = ResultsHTMLRenderer.render(job)
        let bar = html.components(separatedBy: "data-uid=\"6\" ").last ?? ""
        #expect(bar.contains("width=\"4\""), "\(bar.prefix(120))")
        #expect(html.contains("<title>6-quick.sh\nPASS · 0.00 s on h2\nattempt 2 of 2</title>"))
        #expect(html.contains("FAIL · 2.00 s on h1\nattempt 1\n"))
        #expect(html.contains("<p class=\"legend\" id=\"legend\"><span><span class=\"sw\" style=\"background:#3c9a3c\"></span>PASS</span>"))
        for status in TestStatus.allCases { #expect(html.contains("</span>\(status.rawValue)</span>"), "\(status)") }
    }

    @Test func aTestThatNeverStartedLinksItsReasonNotLogs() {
        let html = ResultsHTMLRenderer.render(Self.job)
        let row = html.components(separatedBy: "<tr id=\"t5\"").last?.components(separatedBy: "</tr>").first ?? ""
        #expect(row.contains("<td class=\"logs\"><a href=\"#r5\">reason</a></td>"))
        #expect(row.contains("id=\"r5\"") && !row.contains("debug.log") && !row.contains("stdout"))
        #expect(html.contains("<td class=\"logs\"><a href=\"test-results/1-a.sh/debug.log\">debug.log</a> "))
    }

    @Test func qemuCellIsTheFileNameAndVersionNumberWithPathAndFullVersionOnHover() {
        var t = Self.test(1, "a.sh", .pass, host: "h1", start: 100, end: 101)
        t.qemuVersion = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
        #expect(ResultsHTMLRenderer.qemuCell(t) == "<td class=\"qemu\" title=\"/usr/bin/qemu-system-x86_64 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\">"
                + "qemu-system-x86_64<br><small>7.2.22</small></td>")
        t.qemuBin = nil
        #expect(ResultsHTMLRenderer.qemuCell(t) == "<td class=\"qemu\"></td>")
    }

    @Test(arguments: [(0.5, 0.05), (9.0, 1.0), (23.0, 5.0), (140.0, 20.0), (3600.0, 500.0)])
    func tickStepsAreRound(span: Double, step: Double) {
        #expect(ResultsHTMLRenderer.tickStep(span) == step)
    }
}
