import Testing
import QCoordCore

@Suite struct SchedulerTests {
    @Test func fillsSlotsInOrderAndRefillsOnFinish() {
        var s = Scheduler(testCount: 5)
        #expect(s.handle(.hostUp(host: "a", slots: 2)) == [.init(test: 0, host: "a", attempt: 1), .init(test: 1, host: "a", attempt: 1)])
        #expect(s.handle(.hostUp(host: "b", slots: 1)) == [.init(test: 2, host: "b", attempt: 1)])
        #expect(s.handle(.taskFinished(test: 1, host: "a")) == [.init(test: 3, host: "a", attempt: 1)])
        #expect(s.handle(.taskFinished(test: 2, host: "b")) == [.init(test: 4, host: "b", attempt: 1)])
        #expect(s.handle(.taskFinished(test: 0, host: "a")).isEmpty)
        #expect(!s.isIdle)
        _ = s.handle(.taskFinished(test: 3, host: "a"))
        _ = s.handle(.taskFinished(test: 4, host: "b"))
        #expect(s.isIdle)
    }

    @Test func lostHostRequeuesItsTestsFirstAsNewAttempts() {
        var s = Scheduler(testCount: 4)
        _ = s.handle(.hostUp(host: "a", slots: 2))   // 0, 1 on a
        _ = s.handle(.hostUp(host: "b", slots: 1))   // 2 on b
        // b frees nothing; a is lost: 0 and 1 go back before 3, and b takes them as it frees.
        #expect(s.handle(.hostLost(host: "a")).isEmpty)
        #expect(s.pending == [0, 1, 3])
        #expect(s.handle(.taskFinished(test: 2, host: "b")) == [.init(test: 0, host: "b", attempt: 2)])
    }

    @Test func stopDispatchesNothingMoreAndDrainReturnsTheRest() {
        var s = Scheduler(testCount: 3)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        #expect(s.handle(.stop).isEmpty)
        #expect(s.handle(.taskFinished(test: 0, host: "a")).isEmpty)
        #expect(s.drainPending() == [1, 2])
        #expect(s.isIdle)
    }

    @Test func eligibilityKeepsATestForAHostThatMayRunIt() {
        var s = Scheduler(testCount: 2, eligible: { test, host in test == 0 ? host == "arm" : true })
        #expect(s.handle(.hostUp(host: "x86", slots: 1)) == [.init(test: 1, host: "x86", attempt: 1)])
        #expect(s.handle(.hostUp(host: "arm", slots: 1)) == [.init(test: 0, host: "arm", attempt: 1)])
    }

    @Test func staleFinishIsIgnored() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        #expect(s.handle(.taskFinished(test: 1, host: "a")).isEmpty)
        #expect(s.running == [0: "a"])
    }
}
