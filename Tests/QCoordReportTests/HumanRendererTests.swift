import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct HumanRendererTests {
    /// Every line Avocado 113 printed for a real job, re-rendered from that job's results.json.
    @Test func matchesAvocado113LinesForEveryStatus() throws {
        let job = try Fixtures.avocadoJob("avocado113-results.json")
        let avocado = try Fixtures.text("avocado113-human.txt").split(separator: "\n", omittingEmptySubsequences: false)
        let total = 8
        var expectedLines = Set(avocado.map(String.init))
        expectedLines.insert("")
        // Avocado prints times rounded from time_elapsed.
        for t in job.tests {
            let started = HumanRenderer.started(uid: t.uid, total: total, name: t.name)
            let finished = HumanRenderer.finished(t, total: total)
            #expect(expectedLines.contains(String(started.dropLast())), "\(started)")
            #expect(expectedLines.contains(String(finished.dropLast())), "\(finished)")
        }
        #expect(HumanRenderer.header(jobID: job.jobID, jobLog: job.jobLog) == avocado[0...1].joined(separator: "\n") + "\n")
    }

    @Test func footerAndStderrSummaryMatchAvocado113() throws {
        var job = try Fixtures.avocadoJob("avocado113-results.json")
        job.tests.sort { $0.uid < $1.uid }
        let avocado = try Fixtures.text("avocado113-human.txt")
        let footer = HumanRenderer.footer(job, htmlPath: nil)
        #expect(avocado.hasSuffix(footer))
        #expect(HumanRenderer.stderrSummary(job) == (try Fixtures.text("avocado113-human-stderr.txt")))
    }

    @Test func zeroPaddedIndexAndSkipWithoutTime() {
        let skip = TestResult(uid: 3, id: "03-x", name: "x", kind: .simple, status: .skip, failReason: "why", timeElapsed: 1)
        #expect(HumanRenderer.finished(skip, total: 11) == " (03/11) x:  SKIP: why\n")
        #expect(HumanRenderer.started(uid: 3, total: 11, name: "x") == " (03/11) x: STARTED\n")
        let interrupted = TestResult(uid: 2, id: "2-t/slow.sh", name: "t/slow.sh", kind: .simple, status: .interrupted,
                                     failReason: "Test interrupted: Timeout reached", timeElapsed: 1.333)
        #expect(HumanRenderer.finished(interrupted, total: 11)
                == " (02/11) t/slow.sh:  INTERRUPTED: Test interrupted: Timeout reached (1.33 s)\n")
        let pass = TestResult(uid: 1, id: "1-p", name: "p", kind: .simple, status: .pass, failReason: "ignored", timeElapsed: 0.005)
        #expect(HumanRenderer.finished(pass, total: 7) == " (1/7) p:  PASS (0.01 s)\n")
    }

    @Test func failReasonIsCutAt255WithNewlinesEscaped() {
        let long = String(repeating: "a", count: 250) + "\nbcdefghij"
        let t = TestResult(uid: 1, id: "1-x", name: "x", kind: .simple, status: .fail, failReason: long, timeElapsed: 0)
        #expect(HumanRenderer.finished(t, total: 1) == " (1/1) x:  FAIL: " + String(repeating: "a", count: 250) + "\\nbcde (0.00 s)\n")
    }

    @Test func interruptedJobFooterAndStderr() {
        let tests = [
            TestResult(uid: 1, id: "1-a", name: "a", kind: .simple, status: .fail, timeElapsed: 0.01),
            TestResult(uid: 2, id: "2-b", name: "b", kind: .simple, status: .skip, failReason: "Interrupting job (failfast).", ran: false),
        ]
        let job = JobSummary(jobID: "i", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 1.375,
                             tests: tests, interruption: "Interrupting job (failfast).")
        #expect(HumanRenderer.footer(job, htmlPath: "/j/results.html") == """
            RESULTS    : PASS 0 | ERROR 0 | FAIL 1 | SKIP 1 | WARN 0 | INTERRUPT 0 | CANCEL 0
            JOB HTML   : /j/results.html
            JOB TIME   : 1.38 s

            Test summary:

            """)
        #expect(HumanRenderer.stderrSummary(job) == "Interrupting job (failfast).\n1-a: FAIL\n")
        #expect(job.exitCode.rawValue == 9)
    }
}
