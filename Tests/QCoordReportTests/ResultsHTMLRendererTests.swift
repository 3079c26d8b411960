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
        for label in [">h1 #1<", ">h1 #2<", ">h2<", ">idle<"] { #expect(html.contains(label), "\(label)") }
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
        #expect(html.contains("r.classList.toggle('hidden',!on[r.dataset.status])"))
    }

    @Test func rowsHaveHostArchQemuAttemptsAndRelativeEncodedLogLinks() {
        let html = ResultsHTMLRenderer.render(Self.job)
        #expect(html.contains("<td>h2</td><td>x86_64</td><td class=\"qemu\">/usr/bin/qemu-system-x86_64</td><td>9.00</td><td>1</td>"))
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

    @Test(arguments: [(0.5, 0.05), (9.0, 1.0), (23.0, 5.0), (140.0, 20.0), (3600.0, 500.0)])
    func tickStepsAreRound(span: Double, step: Double) {
        #expect(ResultsHTMLRenderer.tickStep(span) == step)
    }
}
