/// Which tests of a recorded job run again: `qcoord run --resume` (those without an outcome) and
/// `qcoord replay --failed` (those that did not succeed).
///
/// Tests are the job's list in uid order (uid = index + 1); results come from its journal.
/// A journal result counts only when its uid and name match the list: a journal from another
/// job's list must not mark tests done.
public struct ResumeSelection: Sendable, Equatable {
    /// index → the result the earlier run recorded (kept as it is: uid, logdir, status).
    public var completed: [Int: TestResult]
    /// Indices that run now, in job order.
    public var toRun: [Int]
    /// Journal results that match no test of the list (reported, ignored).
    public var mismatched: [TestResult]

    /// `--resume`: a test is done when it ran to an outcome (`ran`). Tests that never started —
    /// ended SKIP by Ctrl-C, failfast or the job timeout, or ERROR/CANCEL because no host could
    /// take them — and tests in flight when the coordinator died (no journal line) run again.
    public static func resume(tests: [TestCase], journal: [TestResult]) -> ResumeSelection {
        select(tests: tests, journal: journal) { $0.ran }
    }

    /// `replay --failed`: the tests that did not succeed run again, in a new job: FAIL, ERROR and
    /// INTERRUPTED, tests that never started, and tests without a result. PASS, WARN, and a SKIP
    /// or CANCEL the test itself decided (it ran) are successes by design and do not.
    /// `completed` holds the results of the tests that are not run again.
    public static func failed(tests: [TestCase], journal: [TestResult]) -> ResumeSelection {
        select(tests: tests, journal: journal) { r in r.ran && r.status.isFine }
    }

    /// `replay`: every test runs again.
    public static func all(tests: [TestCase], journal: [TestResult]) -> ResumeSelection {
        select(tests: tests, journal: journal) { _ in false }
    }

    /// Whether a result's status is one `replay --failed` runs again (given it ran).
    public static func isFailure(_ status: TestStatus) -> Bool { !status.isFine }

    static func select(tests: [TestCase], journal: [TestResult], keep: (TestResult) -> Bool) -> ResumeSelection {
        var completed: [Int: TestResult] = [:]
        var mismatched: [TestResult] = []
        for r in journal {
            let index = r.uid - 1
            guard tests.indices.contains(index), tests[index].name == r.name else {
                mismatched.append(r)
                continue
            }
            if keep(r) { completed[index] = r }
        }
        let toRun = tests.indices.filter { completed[$0] == nil }
        return ResumeSelection(completed: completed, toRun: toRun, mismatched: mismatched)
    }
}
