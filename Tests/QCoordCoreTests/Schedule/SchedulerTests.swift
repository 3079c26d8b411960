import Testing
import QCoordCore

@Suite struct SchedulerTests {
    static func caps(_ arch: String, qemu: [String], kvm: Bool = false) -> HostCapabilities {
        HostCapabilities(host: arch + "-host", arch: arch, cpus: 2, kvm: kvm, python: "3.11", avocado: "113.0",
                         qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/usr/bin/qemu-system-\($0)", version: "7.2")) }))
    }

    /// Every host name the tests bring up, with what its agent would report.
    static let lab: [JobPlan.Host] = [
        .init(name: "a", facts: caps("x86_64", qemu: ["x86_64", "aarch64"])), .init(name: "b", facts: caps("x86_64", qemu: ["x86_64", "aarch64"])),
        .init(name: "x86", facts: caps("x86_64", qemu: ["x86_64"])), .init(name: "both", facts: caps("x86_64", qemu: ["x86_64", "aarch64"])),
        .init(name: "arm", facts: caps("aarch64", qemu: ["aarch64"])), .init(name: "x", facts: caps("x86_64", qemu: ["x86_64", "aarch64"])),
        .init(name: "y", facts: caps("aarch64", qemu: ["aarch64"])),
    ]

    /// A Scheduler over the plan of `tests` on `lab`.
    static func scheduler(_ tests: [TestCase], expected: [Double]? = nil, exclusiveTag: String? = nil) -> Scheduler {
        Scheduler(plan: JobPlan.make(tests: tests, settings: .init(), hosts: lab), expected: expected,
                  exclusive: Scheduler.exclusiveGroups(tests, tag: exclusiveTag))
    }

    static func test(_ name: String, tags: [String: Set<String>] = [:], kind: TestKind = .instrumented) -> TestCase {
        TestCase(kind: kind, name: "t.py:T.\(name)", uri: "t.py", tags: Tags(tags))
    }

    // MARK: the simple queue (no durations, no capabilities)

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

    @Test func lostHostRequeuesItsTestsAsNewAttempts() {
        var s = Scheduler(testCount: 4)
        _ = s.handle(.hostUp(host: "a", slots: 2))   // 0, 1 on a
        _ = s.handle(.hostUp(host: "b", slots: 1))   // 2 on b
        // b frees nothing; a is lost: 0 and 1 go back, and b takes them as it frees.
        #expect(s.handle(.hostLost(host: "a")).isEmpty)
        #expect(s.pending == [0, 1, 3])
        #expect(s.running == [2: "b"])
        #expect(s.liveHosts == ["b"])
        #expect(s.handle(.taskFinished(test: 2, host: "b")) == [.init(test: 0, host: "b", attempt: 2)])
        // A finish from the lost host is stale.
        #expect(s.handle(.taskFinished(test: 1, host: "a")).isEmpty)
    }

    @Test func lostHostsTaskGoesToAnIdleHostAtOnce() {
        var s = Scheduler(testCount: 3)
        _ = s.handle(.hostUp(host: "a", slots: 3))   // 0, 1, 2 on a
        #expect(s.handle(.hostUp(host: "b", slots: 1)).isEmpty)
        #expect(s.handle(.hostLost(host: "a")) == [.init(test: 0, host: "b", attempt: 2)])
        #expect(s.pending == [1, 2])
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

    // MARK: LPT, constraints, exclusive groups

    @Test func longestExpectedTestGoesFirst() {
        let tests = (0..<4).map { Self.test("t\($0)") }
        var s = Self.scheduler(tests, expected: [1, 5, 3, 5])
        // 1 and 3 tie at 5 s: job order breaks the tie.
        #expect(s.handle(.hostUp(host: "a", slots: 2)).map(\.test) == [1, 3])
        #expect(s.handle(.taskFinished(test: 3, host: "a")).map(\.test) == [2])
        #expect(s.handle(.taskFinished(test: 1, host: "a")).map(\.test) == [0])
    }

    @Test func mostConstrainedTestGoesBeforeALongerFreeOne() {
        // 0: any arch, long; 1: aarch64 only, short. The host that can run both takes 1 first.
        let tests = [Self.test("free"), Self.test("arm", tags: ["arch": ["aarch64"]])]
        var s = Self.scheduler(tests, expected: [10, 1])
        _ = s.handle(.hostUp(host: "x86", slots: 0))
        #expect(s.eligibleHostCount(0) == 1)
        #expect(s.handle(.hostUp(host: "both", slots: 1))
                == [.init(test: 1, host: "both", attempt: 1)])
        #expect(s.eligibleHostCount(0) == 2)
        #expect(s.eligibleHostCount(1) == 1)
        #expect(s.handle(.hostUp(host: "x86", slots: 1)) == [.init(test: 0, host: "x86", attempt: 1)])
    }

    @Test func constrainedTestNeverGoesToAHostWithoutItsBinary() {
        let tests = [Self.test("arm", tags: ["arch": ["aarch64"]]), Self.test("ppc", tags: ["arch": ["ppc64"]])]
        var s = Self.scheduler(tests, expected: [1, 1])
        #expect(s.handle(.hostUp(host: "x86", slots: 4)).isEmpty)
        #expect(s.handle(.hostUp(host: "arm", slots: 4))
                == [.init(test: 0, host: "arm", attempt: 1)])
        // No live host may run the ppc64 test: it is neither dispatched nor lost.
        #expect(s.pending == [1])
        #expect(s.eligibleHostCount(1) == 0)
        #expect(s.drainIneligible() == [1])
        #expect(s.pending.isEmpty)
        #expect(!s.isIdle)
        _ = s.handle(.taskFinished(test: 0, host: "arm"))
        #expect(s.isIdle)
    }

    @Test func noEligibleHostLeavesTheSchedulerIdle() {
        var s = Self.scheduler([Self.test("kvm", tags: ["accel": ["kvm"]])], expected: [1])
        #expect(s.handle(.hostUp(host: "x86", slots: 2)).isEmpty)
        #expect(s.isIdle)
        #expect(s.drainIneligible() == [0])
    }

    @Test func matrixCopyIsScheduledByItsArch() {
        var copy = Self.test("boot")
        copy.name += TestCase.archSuffix("aarch64")
        copy.matrixArch = "aarch64"
        var s = Self.scheduler([copy], expected: [1])
        #expect(s.handle(.hostUp(host: "x86", slots: 1)).isEmpty)
        #expect(s.handle(.hostUp(host: "arm", slots: 1))
                == [.init(test: 0, host: "arm", attempt: 1)])
    }

    @Test func exclusiveGroupNeverOverlapsOnOneHost() {
        let tests = [Self.test("p1", tags: ["port": ["8080"]]), Self.test("p2", tags: ["port": ["8080"]]),
                     Self.test("other", tags: ["port": ["9090"]]), Self.test("free")]
        var s = Self.scheduler(tests, expected: [4, 3, 2, 1], exclusiveTag: "port")
        // One slot per group on a: 0 (8080) and 2 (9090) and 3 run, 1 waits for 0.
        #expect(s.handle(.hostUp(host: "a", slots: 4)).map(\.test) == [0, 2, 3])
        #expect(s.handle(.taskFinished(test: 2, host: "a")).isEmpty)
        #expect(s.handle(.taskFinished(test: 0, host: "a")).map(\.test) == [1])
    }

    @Test func exclusiveGroupMayRunOnTwoHostsAtOnce() {
        let tests = [Self.test("p1", tags: ["port": ["8080"]]), Self.test("p2", tags: ["port": ["8080"]])]
        var s = Self.scheduler(tests, expected: [1, 1], exclusiveTag: "port")
        #expect(s.handle(.hostUp(host: "a", slots: 2)).map(\.test) == [0])
        #expect(s.handle(.hostUp(host: "b", slots: 2)).map(\.test) == [1])
    }

    @Test func lostHostFreesItsExclusiveGroupsAndItsTaskComesBack() {
        let tests = [Self.test("p1", tags: ["dev": ["tap0"]]), Self.test("p2", tags: ["dev": ["tap0"]])]
        var s = Self.scheduler(tests, expected: [2, 1], exclusiveTag: "dev")
        #expect(s.handle(.hostUp(host: "a", slots: 2)).map(\.test) == [0])
        #expect(s.handle(.hostUp(host: "b", slots: 1)).map(\.test) == [1])
        // a dies mid-test: test 0 comes back and waits for b's slot (b runs tap0 already).
        #expect(s.handle(.hostLost(host: "a")).isEmpty)
        #expect(s.pending == [0])
        #expect(s.handle(.taskFinished(test: 1, host: "b")) == [.init(test: 0, host: "b", attempt: 2)])
    }

    @Test func lptSpreadsTheLongestTestsOverHosts() {
        // With both hosts up before dispatch, each gets one of the two long tests.
        let tests = (0..<6).map { Self.test("t\($0)") }
        let expected: [Double] = [1, 9, 1, 1, 8, 1]
        var s = Self.scheduler(tests, expected: expected)
        _ = s.handle(.hostUp(host: "a", slots: 0))
        _ = s.handle(.hostUp(host: "b", slots: 0))
        #expect(s.handle(.hostUp(host: "a", slots: 1)).map(\.test) == [1])
        #expect(s.handle(.hostUp(host: "b", slots: 1)).map(\.test) == [4])
    }

    @Test func everyTestIsAssignedExactlyOnceUnderChurn() {
        let tests = (0..<50).map { Self.test("t\($0)", tags: $0 % 3 == 0 ? ["arch": ["aarch64"]] : [:]) }
        var s = Self.scheduler(tests, expected: (0..<50).map { Double(($0 * 37) % 11) })
        var queue = s.handle(.hostUp(host: "x", slots: 2))
        queue += s.handle(.hostUp(host: "y", slots: 3))
        var finished: [Int] = []
        var lostOnce = false
        while !queue.isEmpty {
            let a = queue.removeFirst()
            if !lostOnce && a.host == "y" && finished.count > 10 {
                lostOnce = true
                queue.removeAll { $0.host == "y" }
                queue += s.handle(.hostLost(host: "y"))
                continue
            }
            finished.append(a.test)
            queue += s.handle(.taskFinished(test: a.test, host: a.host))
        }
        #expect(finished.sorted() == Array(0..<50))
        #expect(s.isIdle)
    }
}

@Suite struct SchedulerScaleTests {
    /// 20k tests on 200 hosts of 4 slots: every test assigned exactly once, in order per free slot.
    @Test func twentyThousandTestsOnTwoHundredHosts() {
        var s = Scheduler(testCount: 20_000)
        var inFlight: [Assignment] = []
        for h in 0..<200 { inFlight += s.handle(.hostUp(host: "h\(h)", slots: 4)) }
        #expect(inFlight.count == 800)
        var done = Set<Int>()
        var duplicates = 0
        while let a = inFlight.popLast() {
            if !done.insert(a.test).inserted { duplicates += 1 }
            inFlight += s.handle(.taskFinished(test: a.test, host: a.host))
        }
        #expect(duplicates == 0)
        #expect(done.count == 20_000)
        #expect(s.isIdle && s.pending.isEmpty)
    }
}

/// Faults: retries with an avoid-host preference, quarantine after consecutive lost hosts, and
/// tests kept queued for a lost host that is being reconnected.
@Suite struct SchedulerFaultTests {
    @Test func retryGoesToAHostThatHasNotRunTheTest() {
        var s = Scheduler(testCount: 3)
        #expect(s.handle(.hostUp(host: "a", slots: 1)) == [.init(test: 0, host: "a", attempt: 1)])
        #expect(s.handle(.hostUp(host: "b", slots: 1)) == [.init(test: 1, host: "b", attempt: 1)])
        // 0 failed on a: a must not take it back while b (untried) may; a takes the next new test.
        #expect(s.handle(.retry(test: 0, host: "a")) == [.init(test: 2, host: "a", attempt: 1)])
        #expect(s.pending == [0])
        // b frees a slot: the retried test goes there, before any new test.
        #expect(s.handle(.taskFinished(test: 1, host: "b")) == [.init(test: 0, host: "b", attempt: 2)])
    }

    @Test func retryReturnsToTheSameHostWhenItIsTheOnlyOne() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        // Every live host has run it: the same host runs it again, before the new test 1.
        #expect(s.handle(.retry(test: 0, host: "a")) == [.init(test: 0, host: "a", attempt: 2)])
        #expect(s.handle(.retry(test: 0, host: "a")) == [.init(test: 0, host: "a", attempt: 3)])
        #expect(s.handle(.taskFinished(test: 0, host: "a")) == [.init(test: 1, host: "a", attempt: 1)])
    }

    @Test func retryAfterAHostTriedItWasLostStillPrefersAnUntriedHost() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))        // 0 on a
        _ = s.handle(.hostUp(host: "b", slots: 1))        // 1 on b
        _ = s.handle(.hostUp(host: "c", slots: 1))        // nothing left
        #expect(s.handle(.retry(test: 0, host: "a")) == [.init(test: 0, host: "c", attempt: 2)])
        // c dies with it: 0 comes back (one loss is not a quarantine) and b, untried, takes it.
        #expect(s.handle(.hostLost(host: "c")).isEmpty)
        #expect(s.takeQuarantined().isEmpty)
        #expect(s.handle(.taskFinished(test: 1, host: "b")) == [.init(test: 0, host: "b", attempt: 3)])
    }

    @Test func aTestInFlightOnTwoConsecutiveLostHostsIsQuarantined() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))        // 0 on a
        _ = s.handle(.hostUp(host: "b", slots: 1))        // 1 on b
        _ = s.handle(.hostUp(host: "c", slots: 1))
        // a dies with 0: c takes it; c dies with it too: quarantined, not dispatched again.
        #expect(s.handle(.hostLost(host: "a")) == [.init(test: 0, host: "c", attempt: 2)])
        #expect(s.handle(.hostLost(host: "c")).isEmpty)
        let q = s.takeQuarantined()
        #expect(q.map(\.test) == [0])
        #expect(q.first?.hosts == ["a", "c"])
        #expect(s.takeQuarantined().isEmpty)
        #expect(s.pending.isEmpty)
        #expect(s.handle(.taskFinished(test: 1, host: "b")).isEmpty)
        #expect(s.isIdle)
    }

    @Test func aNormalEndBetweenTwoLossesResetsTheCount() {
        var s = Scheduler(testCount: 1)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        _ = s.handle(.hostUp(host: "b", slots: 1))
        #expect(s.handle(.hostLost(host: "a")) == [.init(test: 0, host: "b", attempt: 2)])
        // It ended FAIL on b (a verdict, not a loss) and is retried; a is back.
        _ = s.handle(.hostUp(host: "a", slots: 1))
        #expect(s.handle(.retry(test: 0, host: "b")) == [.init(test: 0, host: "a", attempt: 3)])
        #expect(s.handle(.hostLost(host: "a")) == [.init(test: 0, host: "b", attempt: 4)])
        #expect(s.takeQuarantined().isEmpty)
    }

    @Test func lostHostRejoinsAndTakesWorkAgain() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        #expect(s.handle(.hostLost(host: "a")).isEmpty)
        #expect(s.liveHosts.isEmpty)
        #expect(s.handle(.hostUp(host: "a", slots: 1)) == [.init(test: 0, host: "a", attempt: 2)])
        #expect(s.handle(.taskFinished(test: 0, host: "a")) == [.init(test: 1, host: "a", attempt: 1)])
    }

    @Test func testsALostHostBeingReconnectedCouldRunAreKept() {
        let tests = [SchedulerTests.test("arm", tags: ["arch": ["aarch64"]]),
                     SchedulerTests.test("x86", tags: ["arch": ["x86_64"]])]
        var s = SchedulerTests.scheduler(tests)
        _ = s.handle(.hostUp(host: "arm", slots: 1))
        _ = s.handle(.hostUp(host: "x86", slots: 1))
        _ = s.handle(.hostLost(host: "arm"))
        _ = s.handle(.hostLost(host: "x86"))
        // While "arm" is retried, its test waits; "x86" was given up on.
        #expect(s.drainIneligible(awaiting: ["arm"]) == [1])
        #expect(s.pending == [0])
        #expect(s.drainIneligible(awaiting: []) == [0])
    }

    @Test func retriedTestNoHostCanRunAnyMoreIsDrained() {
        var s = Scheduler(testCount: 2)
        _ = s.handle(.hostUp(host: "a", slots: 1))
        _ = s.handle(.stop)
        _ = s.handle(.retry(test: 0, host: "a"))
        #expect(s.drainPending() == [0, 1])
        #expect(s.isIdle)
    }
}
