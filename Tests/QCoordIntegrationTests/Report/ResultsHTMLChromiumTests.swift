import Foundation
import Testing

/// results.html of a real job in headless Chromium: after its script ran, the timeline has a
/// bar per test that ran and a lane per slot, and every row is there. Saves a screenshot to
/// build/artifacts/results-html.png. Run by `make check-html` (QCOORD_CHROMIUM names the browser).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_CHROMIUM"] != nil))
struct ResultsHTMLChromiumTests {
    let chromium = ProcessInfo.processInfo.environment["QCOORD_CHROMIUM"] ?? "chromium"
    let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1100"]

    @Test func timelineAndRowsAfterScriptsRan() throws {
        let job = try ReportJob.get()
        let url = URL(fileURLWithPath: job.jobDir + "/results.html").absoluteString
        let dom = try ReportJob.exec(chromium, flags + ["--dump-dom", url])
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
        let failOnly = try ReportJob.exec(chromium, flags + ["--dump-dom", url + "#only=FAIL"])
        let rows = failOnly.stdout.components(separatedBy: "<tr id=\"t").dropFirst()
        let fails = tests.filter { $0.status == "FAIL" }.count
        #expect(fails > 0 && rows.count == tests.count)
        #expect(rows.filter { $0.contains("data-status=\"FAIL\"") && !$0.contains("hidden") }.count == fails)
        #expect(rows.filter { $0.contains("class=\"hidden\"") }.count == tests.count - fails)
        #expect(failOnly.stdout.components(separatedBy: "class=\"bar dim\"").count - 1 == ran - fails)

        let shot = ReportJob.artifacts + "/results-html.png"
        try? FileManager.default.removeItem(atPath: shot)
        let s = try ReportJob.exec(chromium, flags + ["--screenshot=" + shot, url])
        #expect(s.status == 0, "\(s.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.count > 20_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }
}
