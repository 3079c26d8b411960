import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct HumanRendererTests {
    /// Every line Avocado 113 printed for a real job, re-rendered from that job's results.json.
    @Test func matchesAvocado113LinesForEveryStatus() throws {
        let job = try Fixtures.avocadoJob("avocado113-results.json")
        let avocado = try Fixtures.text("avocado113-human.txt").split(separator: "\n", omittingEmptySubsequences: false)
        let total = 8
        // Avocado prints a multi-line reason with a literal `\n`; qcoord folds it (` | `).
        var expectedLines = Set(avocado.map { $0.replacingOccurrences(of: "\\n", with: " | ") })
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

    /// A reason never shows a literal `\n` (Avocado's way): its lines are folded with ` | `.
    @Test func failReasonIsOneLineCutAt255() {
        let long = String(repeating: "a", count: 250) + "\nbcdefghij"
        let t = TestResult(uid: 1, id: "1-x", name: "x", kind: .simple, status: .fail, failReason: long, timeElapsed: 0)
        let line = HumanRenderer.finished(t, total: 1)
        #expect(line == " (1/1) x:  FAIL: " + String(repeating: "a", count: 250) + " | bc (0.00 s)\n")
        #expect(!line.contains("\\n"))
        let twoLines = TestResult(uid: 1, id: "1-x", name: "x", kind: .simple, status: .error, failReason: "Traceback:\n  boom\n", timeElapsed: 1)
        #expect(HumanRenderer.finished(twoLines, total: 1) == " (1/1) x:  ERROR: Traceback: | boom (1.00 s)\n")
    }

    @Test func colouredStatusesAndSummaryOnlyWithColour() {
        let on = TerminalStyle(enabled: true)
        let fail = TestResult(uid: 1, id: "1-a", name: "a", kind: .simple, status: .fail, failReason: "no", timeElapsed: 0.01)
        let pass = TestResult(uid: 2, id: "2-b", name: "b", kind: .simple, status: .pass, timeElapsed: 0.01)
        #expect(HumanRenderer.finished(fail, total: 2, style: on) == " (1/2) a:  \u{1B}[1;31mFAIL\u{1B}[0m: no (0.01 s)\n")
        #expect(HumanRenderer.finished(pass, total: 2, style: on) == " (2/2) b:  \u{1B}[32mPASS\u{1B}[0m (0.01 s)\n")
        let job = JobSummary(jobID: "i", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 1, tests: [fail, pass])
        #expect(HumanRenderer.footer(job, htmlPath: nil, style: on).hasPrefix(
            "RESULTS    : \u{1B}[32mPASS 1\u{1B}[0m | ERROR 0 | \u{1B}[1;31mFAIL 1\u{1B}[0m | SKIP 0 | WARN 0 | INTERRUPT 0 | CANCEL 0\n"))
        #expect(HumanRenderer.stderrSummary(job, style: on) == "1-a: \u{1B}[1;31mFAIL\u{1B}[0m\n")
        // Without colour: Avocado's bytes.
        #expect(!HumanRenderer.footer(job, htmlPath: nil).contains("\u{1B}"))
        #expect(HumanRenderer.resultsLine(job.counts) == job.counts.resultsLine)
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
