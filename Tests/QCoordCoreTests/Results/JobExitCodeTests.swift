import Testing
import QCoordCore

@Suite struct JobExitCodeTests {
    @Test(arguments: [
        ([TestStatus.pass, .warn, .skip, .cancel], false, Int32(0)),
        ([.pass, .fail], false, 1),
        ([.error], false, 1),
        ([.interrupted], false, 8),
        ([.fail, .interrupted], false, 9),
        ([.pass, .skip], true, 8),
        ([.fail, .skip], true, 9),
        ([.warn], false, 0),
    ])
    func bits(statuses: [TestStatus], interrupted: Bool, expected: Int32) {
        let code = JobExitCode.forJob(StatusCounts(statuses), jobInterrupted: interrupted)
        #expect(code.rawValue == expected)
    }

    @Test func namedBits() {
        #expect(JobExitCode.testsFailed.rawValue == 1)
        #expect(JobExitCode.jobFailed.rawValue == 2)
        #expect(JobExitCode.internalError.rawValue == 4)
        #expect(JobExitCode.interrupted.rawValue == 8)
        #expect(JobExitCode([.testsFailed, .interrupted]).rawValue == 9)
    }
}

@Suite struct StatusCountsTests {
    @Test func resultsLineUsesAvocadoOrderAndInterruptLabel() {
        let counts = StatusCounts([.pass, .pass, .pass, .error, .skip, .warn, .interrupted])
        #expect(counts.resultsLine == "PASS 3 | ERROR 1 | FAIL 0 | SKIP 1 | WARN 1 | INTERRUPT 1 | CANCEL 0")
        #expect(counts.total == 7)
        #expect(counts.hasFailures)
    }

    @Test func interruptedAloneIsNotAFailure() {
        #expect(!StatusCounts([.interrupted, .pass]).hasFailures)
    }
}

@Suite struct TestResultTests {
    @Test(arguments: [(1, 7, "1-x"), (1, 11, "01-x"), (11, 11, "11-x"), (5, 100, "005-x")])
    func idIsZeroPaddedToTotalWidth(uid: Int, total: Int, expected: String) {
        #expect(TestResult.testID(uid: uid, name: "x", total: total) == expected)
    }

    @Test func className() {
        func r(_ name: String) -> TestResult { TestResult(uid: 1, id: "1-" + name, name: name, kind: .instrumented, status: .pass) }
        #expect(r("tests/boot.py:BootLinux.test_pc").className == "BootLinux")
        #expect(r("tests/pass.sh").className == nil)
        #expect(r("a/b.py:Cls.test_x").failReasonText == "<unknown>")
    }
}
