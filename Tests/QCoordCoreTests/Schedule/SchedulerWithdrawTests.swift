import Testing
import QCoordCore

@Suite struct SchedulerWithdrawTests {
    @Test func withdrawnTestsAreNeverDispatched() {
        var s = Scheduler(testCount: 5)
        s.withdraw([0, 3])
        #expect(s.pending == [1, 2, 4])
        let assigned = s.handle(.hostUp(host: "h", slots: 5))
        #expect(assigned.map(\.test).sorted() == [1, 2, 4])
        #expect(s.pending.isEmpty)
    }

    @Test func withdrawingEverythingLeavesNothingPending() {
        var s = Scheduler(testCount: 2, eligible: { _, _ in true })
        s.withdraw([0, 1])
        #expect(s.handle(.hostUp(host: "h", slots: 1)).isEmpty)
        #expect(s.isIdle)
    }
}
