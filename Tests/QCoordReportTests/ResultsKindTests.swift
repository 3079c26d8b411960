import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct ResultsKindTests {
    static func job(_ tests: [TestResult]) -> JobSummary {
        JobSummary(jobID: String(repeating: "a", count: 40), jobDir: "/r/j", jobName: "j", start: "s", timestamp: "t",
                   jobTime: 1, tests: tests)
    }

    @Test func avocadoShapedLinesAndAKindCommentForFunctionalTests() {
        let tap = ResultsTAPRenderer.render(Self.job([
            TestResult(uid: 1, id: "1-t.py:T.test_a", name: "t.py:T.test_a", kind: .instrumented, status: .pass),
            TestResult(uid: 2, id: "2-f", name: "tests/functional/test_version.py:Version.test_qmp;arch=x86_64",
                       kind: .functional, status: .skip, failReason: "no\nKVM"),
            TestResult(uid: 3, id: "3-f", name: "tests/functional/test_x.py:X.test_b;arch=ppc64", kind: .functional, status: .fail),
        ]))
        #expect(tap == """
            1..3
            ok 1 t.py:T.test_a
            ok 2 tests/functional/test_version.py:Version.test_qmp;arch=x86_64  # SKIP no KVM
            # kind: FUNCTIONAL
            not ok 3 tests/functional/test_x.py:X.test_b;arch=ppc64
            # kind: FUNCTIONAL

            """)
    }

    @Test func resultsJSONJUnitAndHTMLNameTheKind() {
        let job = Self.job([TestResult(uid: 1, id: "1-f", name: "f.py:F.test;arch=s390x", kind: .functional, status: .pass)])
        #expect(ResultsXMLRenderer.testProperties(job.tests[0]).first! == ("kind", "FUNCTIONAL"))
        let json = ResultsJSONRenderer.render(job)
        #expect(json.contains("\"kind\": \"FUNCTIONAL\""))
        let html = ResultsHTMLRenderer.render(job)
        #expect(html.contains("<th>Test</th><th>Kind</th><th>Status</th>"))
        #expect(html.contains("<td class=\"id\">1-f</td><td class=\"kind\">FUNCTIONAL</td><td class=\"st\""))
    }
}
