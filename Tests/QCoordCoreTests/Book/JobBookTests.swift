import Testing
@testable import QCoordCore

/// The job book with plain values: events in, decisions out; no I/O, no clock, no mocks.
@Suite struct JobBookTests {
    static func caps(_ arch: String, _ qemu: [String]) -> HostCapabilities {
        HostCapabilities(host: "vm", arch: arch, cpus: 2, kvm: false, python: "3.11", avocado: "113.0",
                         qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/q/qemu-system-\($0)", version: "10.0")) }))
    }

    static let lab: [JobPlan.Host] = [.init(name: "h1", facts: caps("x86_64", ["x86_64", "ppc"])),
                                      .init(name: "h2", facts: caps("x86_64", ["x86_64"])),
                                      .init(name: "h3", facts: caps("aarch64", ["aarch64"]))]

    static func test(_ name: String, arch: String? = nil) -> TestCase {
        TestCase(kind: .instrumented, name: name, uri: "t.py", tags: Tags(arch.map { ["arch": [$0]] } ?? [:]))
    }

    static func book(_ tests: [TestCase], _ settings: BookSettings = .init(), hosts: [JobPlan.Host] = lab,
                     completed: Set<Int> = []) -> JobBook {
        let plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: hosts)
        return JobBook(plan: plan, settings: settings, verdicts: plan.verdicts(unreachable: []), completed: completed)
    }

    static func dispatches(_ d: [BookDecision]) -> [BookDispatch] {
        d.compactMap { if case .dispatch(let x) = $0 { x } else { nil } }
    }

    static func outcomes(_ d: [BookDecision]) -> [BookOutcome] {
        d.compactMap { if case .record(let x) = $0 { x } else { nil } }
    }

    static func finished(_ d: BookDispatch, _ status: TestStatus, reason: String? = nil) -> BookEvent {
        .finished(taskID: d.taskID, host: d.host, status: status, reason: reason, time: 1, whiteboard: nil, now: 10)
    }

    @Test func dispatchCarriesThePlansBinaryArchAndTimeoutAndFinishesWhenAllAreIn() throws {
        var b = Self.book([Self.test("ppc", arch: "ppc"), Self.test("neutral")])
        let start = b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0))
        let d = Self.dispatches(start)
        #expect(d == [BookDispatch(test: 0, host: "h1", attempt: 1, taskID: "1.1", arch: "ppc", qemuBin: "/q/qemu-system-ppc", timeout: 30),
                      BookDispatch(test: 1, host: "h2", attempt: 1, taskID: "2.1", arch: "x86_64", qemuBin: "/q/qemu-system-x86_64", timeout: 30)])
        let first = b.handle(Self.finished(d[0], .pass))
        #expect(Self.outcomes(first).map(\.status) == [.pass])
        #expect(!first.contains(.finish))
        let last = b.handle(Self.finished(d[1], .fail, reason: "boom"))
        let o = try #require(Self.outcomes(last).first)
        #expect(o.host == "h2" && o.arch == "x86_64" && o.qemuBin == "/q/qemu-system-x86_64" && o.reason == "boom")
        #expect(last.last == .finish)
        #expect(b.isDone)
    }

    /// A verdict test that shares its scheduling group with runnable ones (the group's host set is
    /// theirs) is recorded once and never dispatched; the runnable ones all run and the job ends.
    @Test func aVerdictTestInARunnableGroupIsNeverDispatched() {
        let tests = [Self.test("a", arch: "x86_64"), Self.test("kept-back", arch: "x86_64"), Self.test("b", arch: "x86_64")]
        var plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: Self.lab)
        #expect(Set(plan.tasks.map(\.group)).count == 1)
        plan.tasks[1].placements = []
        plan.tasks[1].unplaceable = "asset http://x/k could not be had: HTTP 404"
        plan.tasks[1].unplacedStatus = .skip
        var b = JobBook(plan: plan, settings: .init(), verdicts: plan.verdicts(unreachable: []))
        let start = b.handle(.start(hosts: [.init(name: "h1", slots: 3)], now: 0))
        #expect(Self.outcomes(start).map(\.status) == [.skip])
        let d = Self.dispatches(start)
        #expect(d.map(\.test) == [0, 2])
        _ = b.handle(Self.finished(d[0], .pass))
        let last = b.handle(Self.finished(d[1], .pass))
        #expect(last.last == .finish)
        #expect(b.isDone)
    }

    @Test func unplaceableTestsGetTheirVerdictAtTheStart() {
        var b = Self.book([Self.test("s390", arch: "s390x")])
        let d = b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0))
        let o = Self.outcomes(d)
        #expect(o.map(\.status) == [.cancel])
        #expect(o[0].ran == false)
        #expect(d.last == .finish)
    }

    @Test func aLostHostsTestIsReDispatchedElsewhereAndKeepsTheInfraAttempt() throws {
        var b = Self.book([Self.test("a"), Self.test("b")])
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0)))
        _ = b.handle(.started(taskID: d[0].taskID, host: "h1", now: 1))
        let lost = b.handle(.hostLost(host: "h1", reason: "connection reset", now: 4))
        #expect(lost.contains(.attemptEnded(test: 0, attempt: .init(host: "h1", status: .error, failReason: "host h1 lost: connection reset", time: 3))))
        // h2 is busy: test 0 waits for its slot, then runs there as attempt 2.
        #expect(Self.dispatches(lost).isEmpty)
        let next = Self.dispatches(b.handle(Self.finished(d[1], .pass)))
        #expect(next.map { [$0.host, $0.taskID] } == [["h2", "1.2"]])
        // A late message of the lost attempt is ignored.
        #expect(b.handle(Self.finished(d[0], .fail)).allSatisfy { if case .log = $0 { true } else { false } })
        let o = try #require(Self.outcomes(b.handle(Self.finished(next[0], .pass))).first)
        #expect(o.attempts.map(\.status) == [.error, .pass])
        #expect(!o.flaky)
    }

    @Test func testsOnlyALostHostCanRunWaitForItUntilTheGiveUp() throws {
        var b = Self.book([Self.test("arm", arch: "aarch64")], .init(hostGiveUp: 60))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h3", slots: 1)], now: 0)))
        let lost = b.handle(.hostLost(host: "h3", reason: "eof", now: 1))
        #expect(lost.contains(.startTimer(.giveUp(host: "h3", generation: 1), after: 60)))
        #expect(Self.outcomes(lost).isEmpty)
        let o = try #require(Self.outcomes(b.handle(.timerFired(.giveUp(host: "h3", generation: 1), now: 61))).first)
        #expect(o.status == .error)
        #expect(o.reason == "host h3 lost: eof; not back within 60 s; only h3 could run it")
        #expect(d.count == 1)
    }

    @Test func aHostBackBeforeTheGiveUpRunsTheWaitingTest() {
        var b = Self.book([Self.test("arm", arch: "aarch64")], .init(hostGiveUp: 60))
        _ = b.handle(.start(hosts: [.init(name: "h3", slots: 1)], now: 0))
        _ = b.handle(.hostLost(host: "h3", reason: "eof", now: 1))
        #expect(b.wantsHosts)
        let back = Self.dispatches(b.handle(.hostUp(host: "h3", slots: 1, now: 5)))
        #expect(back.map(\.taskID) == ["1.2"])
        // The old give-up timer no longer applies.
        #expect(b.handle(.timerFired(.giveUp(host: "h3", generation: 1), now: 61)).isEmpty)
    }

    @Test func withoutReconnectsALostLastHostEndsEverythingErrorAtOnce() {
        var b = Self.book([Self.test("a"), Self.test("b")])
        _ = b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0))
        let o = Self.outcomes(b.handle(.hostLost(host: "h2", reason: "eof", now: 1)))
        #expect(o.map(\.status) == [.error, .error])
        #expect(o[1].reason == "host h2 lost: eof; no other host can run this test")
        #expect(o[1].ran == false)
        #expect(b.isDone)
    }

    @Test func retriesRunAFailedTestAgainElsewhereAndAPassIsFlaky() throws {
        var b = Self.book([Self.test("a")], .init(retries: 1))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0)))
        let again = b.handle(Self.finished(d[0], .fail, reason: "boom"))
        #expect(again.contains(.attemptEnded(test: 0, attempt: .init(host: "h1", status: .fail, failReason: "boom", time: 1))))
        let retry = Self.dispatches(again)
        #expect(retry.map { [$0.host, $0.taskID] } == [["h2", "1.2"]])
        let o = try #require(Self.outcomes(b.handle(Self.finished(retry[0], .pass))).first)
        #expect(o.flaky)
        #expect(o.attempts.map(\.status) == [.fail, .pass])
    }

    @Test func failfastStopsDispatchingAndSkipsWhatNeverRan() {
        var b = Self.book([Self.test("a"), Self.test("b"), Self.test("c")], .init(failfast: true))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0)))
        let out = b.handle(Self.finished(d[0], .fail))
        #expect(Self.dispatches(out).isEmpty)
        #expect(Self.outcomes(out).map(\.status) == [.skip, .skip, .fail])
        #expect(b.interruption == "Interrupting job (failfast).")
        #expect(out.last == .finish)
    }

    /// SIGINT, SIGTERM, SIGHUP alike: the first signal cancels running tests at once (they get
    /// the grace to report) and never-started tests end SKIP with the signal's reason.
    @Test(arguments: [BookSignal.interrupt, .terminate, .hangup])
    func firstSignalCancelsRunningTestsAndTheGraceEndsThem(signal: BookSignal) {
        var b = Self.book([Self.test("a"), Self.test("b")], .init(interruptGrace: 5))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0)))
        _ = b.handle(.started(taskID: d[0].taskID, host: "h2", now: 1))
        let first = b.handle(.signal(signal, now: 2))
        #expect(Self.outcomes(first).map(\.status) == [.skip])
        #expect(Self.outcomes(first)[0].reason == (signal == .interrupt ? "Interrupted by user request" : "Interrupted by \(signal.rawValue)"))
        #expect(first.contains(.cancel(host: "h2", taskID: "1.1")))
        #expect(first.contains(.startTimer(.grace, after: 5)))
        #expect(b.interruptedByUser && !b.stoppedAtOnce)
        let grace = Self.outcomes(b.handle(.timerFired(.grace, now: 7)))
        #expect(grace.map(\.status) == [.interrupted])
        #expect(grace[0].time == 6)
        #expect(b.isDone)
    }

    @Test func aCancelledTestThatReportsInTimeKeepsItsOwnStatus() {
        var b = Self.book([Self.test("a")], .init(interruptGrace: 5))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0)))
        _ = b.handle(.signal(.terminate, now: 1))
        let out = b.handle(Self.finished(d[0], .interrupted, reason: "Test interrupted: cancelled"))
        #expect(Self.outcomes(out).map(\.status) == [.interrupted])
        #expect(out.last == .finish)
        // The grace timer that fires later finds nothing to end.
        #expect(b.handle(.timerFired(.grace, now: 6)).isEmpty)
    }

    @Test func aSecondSignalEndsRunningTestsAtOnce() {
        var b = Self.book([Self.test("a"), Self.test("b")], .init(interruptGrace: 60))
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0)))
        _ = b.handle(.started(taskID: d[0].taskID, host: "h2", now: 1))
        _ = b.handle(.signal(.interrupt, now: 2))
        let second = b.handle(.signal(.interrupt, now: 3))
        let o = Self.outcomes(second)
        #expect(o.map(\.status) == [.interrupted])
        #expect(o[0].reason == "Test interrupted: the job was stopped by a second SIGINT")
        #expect(second.last == .finish)
        #expect(b.stoppedAtOnce)
        #expect(b.interruption == "Interrupted by user request")
    }

    @Test func theJobTimeoutInterruptsEverything() {
        var b = Self.book([Self.test("a"), Self.test("b")], .init(jobTimeout: 100))
        let start = b.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0))
        #expect(start.contains(.startTimer(.jobTimeout, after: 100)))
        let out = b.handle(.timerFired(.jobTimeout, now: 100))
        #expect(out.contains(.cancel(host: "h2", taskID: "1.1")))
        #expect(b.interruption == "Job timeout (100 s) reached")
        #expect(Self.outcomes(out).map(\.status) == [.skip])
    }

    @Test func aTestLostOnTwoHostsInARowIsQuarantined() throws {
        var b = Self.book([Self.test("killer")])
        _ = b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0))
        let second = Self.dispatches(b.handle(.hostLost(host: "h1", reason: "oom", now: 1)))
        #expect(second.map(\.host) == ["h2"])
        let o = try #require(Self.outcomes(b.handle(.hostLost(host: "h2", reason: "oom", now: 2))).first)
        #expect(o.status == .error)
        #expect(o.reason == "quarantined: hosts h1 and h2 were lost while running it")
    }

    @Test func resumeNeverDispatchesCompletedTests() {
        var b = Self.book([Self.test("a"), Self.test("b"), Self.test("c")], completed: [0, 2])
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h2", slots: 3)], now: 0)))
        #expect(d.map(\.test) == [1])
        #expect(b.handle(Self.finished(d[0], .pass)).last == .finish)
        var all = Self.book([Self.test("a")], completed: [0])
        #expect(all.handle(.start(hosts: [.init(name: "h2", slots: 1)], now: 0)) == [.finish])
    }

    /// Every host is known before the first gets a test: h1 (the only ppc host) starts the ppc
    /// test, though a longer x86_64 test is pending that h2 can run as well.
    @Test func theFirstHostUpKeepsItsSlotForTheTestOnlyItCanRun() {
        var b = Self.book([Self.test("long-x86", arch: "x86_64"), Self.test("ppc", arch: "ppc")])
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0)))
        #expect(d.map { "\($0.test)@\($0.host)" }.sorted() == ["0@h2", "1@h1"])
    }

    @Test func onlyThePlansHostsEverGetATest() {
        // h2 has no ppc binary: a ppc test waits for h1's slot rather than go to h2.
        var b = Self.book([Self.test("x"), Self.test("ppc", arch: "ppc"), Self.test("y")])
        var all = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 2)], now: 0)))
        var queue = all
        while let d = queue.first {
            queue.removeFirst()
            let next = Self.dispatches(b.handle(Self.finished(d, .pass)))
            all += next
            queue += next
        }
        for d in all { #expect(b.plan.tasks[d.test].placement(on: d.host) != nil) }
        #expect(all.first { $0.test == 1 }?.host == "h1")
        #expect(b.isDone)
    }

    @Test func aMultiLineReasonIsOneLine() throws {
        var b = Self.book([Self.test("a.sh")])
        let d = Self.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0)))
        let o = try #require(Self.outcomes(b.handle(Self.finished(d[0], .cancel, reason: "no qemu in:\n/usr/bin\n/opt/bin\n"))).first)
        #expect(o.reason == "no qemu in: | /usr/bin | /opt/bin")
        #expect(o.attempts.map(\.failReason) == ["no qemu in: | /usr/bin | /opt/bin"])
    }
}
