import Testing
import QCoordCore

@Suite struct ResumeSelectionTests {
    static let tests = ["a", "b;arch=x86_64", "b;arch=aarch64", "c", "d", "e"].map { TestCase(kind: .simple, name: $0, uri: $0) }
    static func r(_ uid: Int, _ status: TestStatus, ran: Bool = true) -> TestResult {
        JournalTests.result(uid, tests[uid - 1].name, status, ran: ran)
    }

    @Test func resumeRunsTestsWithoutAnOutcome() {
        // 1 passed, 2 failed, 3 never started (Ctrl-C), 4 in flight when the coordinator died (no line),
        // 5 cancelled by the test itself, 6 ERROR because no host could take it.
        let journal = [Self.r(1, .pass), Self.r(2, .fail), Self.r(3, .skip, ran: false), Self.r(5, .cancel),
                       Self.r(6, .error, ran: false)]
        let s = ResumeSelection.resume(tests: Self.tests, journal: journal)
        #expect(s.toRun == [2, 3, 5])
        #expect(s.completed.keys.sorted() == [0, 1, 4])
        #expect(s.completed[1]?.status == .fail)
        #expect(s.mismatched.isEmpty)
    }

    @Test func failedRunsWhatDidNotSucceed() {
        let journal = [Self.r(1, .pass), Self.r(2, .fail), Self.r(3, .interrupted), Self.r(4, .warn),
                       Self.r(5, .skip), Self.r(6, .skip, ran: false)]
        let s = ResumeSelection.failed(tests: Self.tests, journal: journal)
        #expect(s.toRun == [1, 2, 5])
        let errorOnly = ResumeSelection.failed(tests: Self.tests, journal: [Self.r(1, .error), Self.r(2, .cancel)])
        // No line for 3…6: they run too.
        #expect(errorOnly.toRun == [0, 2, 3, 4, 5])
    }

    @Test func journalLinesOfAnotherListAreIgnored() {
        let other = JournalTests.result(2, "not-b")
        let beyond = JournalTests.result(9, "z")
        let s = ResumeSelection.resume(tests: Self.tests, journal: [Self.r(1, .pass), other, beyond])
        #expect(s.toRun == [1, 2, 3, 4, 5])
        #expect(s.mismatched == [other, beyond])
    }

    @Test func allRunsEverything() {
        let s = ResumeSelection.all(tests: Self.tests, journal: [Self.r(1, .pass)])
        #expect(s.toRun == Array(0..<6))
        #expect(s.completed.isEmpty)
    }
}
