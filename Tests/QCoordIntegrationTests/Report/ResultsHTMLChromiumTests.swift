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
        #expect(html.contains(">local #1<") && html.contains(">local #2<") && !html.contains(">local #3<"))
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
}
