import Foundation
import Testing

/// results.html of a real job in headless Chromium: after its script ran, the timeline has a
/// bar per test that ran and a lane per slot, and every row is there. Saves a screenshot to
/// build/artifacts/results-html.png. Run by `make check-html` (QCOORD_CHROMIUM names the browser).
@Suite(.serialized, .enabled(if: Chromium.isConfigured))
struct ResultsHTMLChromiumTests {
    @Test func timelineAndRowsAfterScriptsRan() throws {
        let job = try ReportJob.get()
        let url = Chromium.url(job.jobDir + "/results.html")
        let dom = try Chromium.dumpDOM(url)
        #expect(dom.status == 0, "\(dom.stderr)")
        let html = dom.stdout
        // Set by the page's script: the filter ran over every row and bar.
        #expect(html.contains("data-ready=\"1\""), "\(html.prefix(400))")
        let tests = try job.tests()
        let results = try RunHarness.results(job.jobDir)
        let ran = ((results["tests"] as? [[String: Any]]) ?? []).filter { ($0["attempts"] as? [Any])?.isEmpty == false }.count
        #expect(html.components(separatedBy: "<rect class=\"bar\"").count - 1 == ran)
        // Lanes named by inventory host and arch: `local · x86_64 #1`.
        #expect(html.contains(">local · ") && html.contains(" #1<") && html.contains(" #2<") && !html.contains(" #3<"))
        #expect(html.components(separatedBy: "<tr id=\"t").count - 1 == tests.count)
        for t in tests { #expect(html.contains(">\(t.id)</td>"), "\(t.id)") }
        // The filter's script ran and hid nothing (every box starts checked).
        #expect(!html.contains("class=\"hidden\""))

        // The filter in a real browser: #only=FAIL hides every other row and dims their bars.
        let failOnly = try Chromium.dumpDOM(Chromium.url(job.jobDir + "/results.html", fragment: "only=FAIL"))
        let rows = failOnly.stdout.components(separatedBy: "<tr id=\"t").dropFirst()
        let fails = tests.filter { $0.status == "FAIL" }.count
        #expect(fails > 0 && rows.count == tests.count)
        #expect(rows.filter { $0.contains("data-status=\"FAIL\"") && !$0.contains("hidden") }.count == fails)
        #expect(rows.filter { $0.contains("class=\"hidden\"") }.count == tests.count - fails)
        #expect(failOnly.stdout.components(separatedBy: "class=\"bar dim\"").count - 1 == ran - fails)

        let png = try Chromium.screenshot(url, name: "results-html.png")
        #expect(png.count > 20_000 && Chromium.isPNG(png))
    }

    /// Failures first, the filter box, the id cells, and never-started tests, after the script ran;
    /// screenshots at a desktop and a phone width (build/artifacts/results-html-1280.png, -390.png).
    @Test func failuresFirstFilterBoxAndScreenshotsAtTwoWidths() throws {
        let job = try ReportJob.get()
        let tests = try job.tests()
        let file = job.jobDir + "/results.html"
        let dom = try Chromium.dumpDOM(Chromium.url(file), width: 1280)
        #expect(dom.status == 0, "\(dom.stderr)")
        let rows = dom.stdout.components(separatedBy: "<tr id=\"t").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }
        #expect(rows.count == tests.count)
        // Every non-PASS row comes before every PASS row, and there are both.
        let statuses = rows.map { $0.components(separatedBy: "data-status=\"").dropFirst().first?.prefix { $0 != "\"" } ?? "" }
        let firstPass = try #require(statuses.firstIndex(of: "PASS"))
        #expect(firstPass > 0 && statuses[0] != "PASS" && !statuses[firstPass...].contains { $0 != "PASS" }, "\(statuses)")
        // The script gave each id cell its full id on hover and a copy button, the text still ends the cell.
        for t in tests { #expect(rows.contains { $0.contains("title=\"\(t.id)\"") && $0.contains(">\(t.id)</td>") }, "\(t.id)") }
        #expect(rows.allSatisfy { $0.contains("<button class=\"cp\" type=\"button\"") })
        // The phone form of an id: `09-…simple_fail.sh`.
        #expect(rows.contains { $0.contains("<span class=\"short\">09-…simple_fail.sh</span>09-examples/failing/simple_fail.sh</td>") })
        #expect(dom.stdout.contains("id=\"byhost\"") && dom.stdout.contains("id=\"byarch\""))
        // A test no host could run links its reason, not logs that do not exist.
        for t in tests where t.host == nil {
            let row = try #require(rows.first { $0.contains(">\(t.id)</td>") })
            #expect(row.contains(">reason</a>") && !row.contains("stdout"), "\(row)")
        }

        // The filter box, preset from the URL: one test's name shows that row alone.
        let one = try #require(tests.first { $0.id.contains("simple_fail") })
        let filtered = try Chromium.dumpDOM(Chromium.url(file, fragment: "q=simple_fail"), width: 1280)
        let frows = filtered.stdout.components(separatedBy: "<tr id=\"t").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }
        #expect(frows.filter { !$0.contains("class=\"hidden\"") }.count == 1)
        #expect(frows.contains { $0.contains(">\(one.id)</td>") && !$0.contains("class=\"hidden\"") })
        #expect(filtered.stdout.contains(">1 of \(tests.count) shown<"))

        // Typing in the box and clicking a count, as a person would: a copy of the page with a
        // probe script after the page's own, which records what was shown into the DOM.
        let probe = """
            <script>(function(){
            function shown(){return document.querySelectorAll('#tests tbody tr:not(.hidden)').length;}
            var q=document.getElementById('q'),out=[];
            q.value='simple_fail';q.dispatchEvent(new Event('input'));out.push(shown(),location.hash);
            q.value='';q.dispatchEvent(new Event('input'));
            var fail=document.querySelector('#counts span[data-status="FAIL"]');
            fail.click();out.push(shown(),location.hash,document.querySelectorAll('#timeline rect.bar:not(.dim)').length);
            fail.click();out.push(shown(),location.hash);
            document.body.setAttribute('data-probe',out.join('|'));})();</script>
            """
        let page = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "</body>", with: probe + "</body>")
        let probed = job.jobDir + "/results-probe.html"
        try page.write(toFile: probed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: probed) }
        let clicked = try Chromium.dumpDOM(Chromium.url(probed), width: 1280).stdout
        let fails = tests.filter { $0.status == "FAIL" }.count
        #expect(clicked.contains("data-probe=\"1|#q=simple_fail|\(fails)|#only=FAIL|\(fails)|\(tests.count)|\""),
                "\(clicked.components(separatedBy: "data-probe=").dropFirst().first?.prefix(80) ?? "no probe")")

        for width in [1280, 390] {
            let png = try Chromium.screenshot(Chromium.url(file), name: "results-html-\(width).png", width: width, height: 1600)
            #expect(png.count > 20_000 && Chromium.isPNG(png), "\(width)")
        }
    }
}
