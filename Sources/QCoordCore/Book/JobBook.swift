/// The job's state machine: events in (hosts up and lost, tasks started and finished, timers,
/// signals), decisions out (dispatch, cancel, timers, results). A value with no I/O and no
/// clock: the run loop feeds it and carries out what it decides, and its tests do the same with
/// plain values.
///
/// It places tests only where the plan lets them run (through its Scheduler), re-runs a test
/// whose host was lost (an infrastructure failure is never the test's), applies `--retries`,
/// failfast, the job timeout and interrupts, and waits for a lost host being reconnected only
/// as long as `--host-give-up`.
public struct JobBook: Sendable {
    public let plan: JobPlan
    public let settings: BookSettings
    public private(set) var scheduler: Scheduler
    /// Why the job was interrupted (failfast, job timeout, a signal); nil when it was not.
    public private(set) var interruption: String?

    struct TestState: Sendable {
        var attempts: [TestResult.Attempt] = []
        var retriesUsed = 0
        var taskID: String?
        /// Where its current (or last) dispatch went, as the plan placed it there.
        var placement: JobPlan.Placement?
        var startedAt: Double?
        var done = false
    }

    private var tests: [TestState]
    private var taskIndex: [String: Int] = [:]
    private var doneCount = 0
    private var signals = 0
    private var finishSent = false
    private let verdicts: [Int: JobPlan.Verdict]
    /// Lost hosts being reconnected and not yet given up on → their loss number.
    private var retrying: [String: Int] = [:]
    private var lostReasons: [String: String] = [:]
    private var lossCount = 0
    /// host → the test whose assets were last staged there ahead (`prefetch`), so it is asked once.
    private var prefetched: [String: Int] = [:]
    /// Whether any test has assets to stage (without, a dispatch asks nothing more).
    private let stagesAssets: Bool

    /// - Parameters:
    ///   - expected: seconds per test (the longest start first); exclusive: `--exclusive-tag` groups.
    ///   - verdicts: tests decided before the job starts (`JobPlan.verdicts`).
    ///   - completed: `run --resume`: tests that have their result already; never dispatched.
    ///   - assets: each test's assets (content keys) when hosts are pushed them: hosts holding a
    ///     test's assets are preferred, and the next test's are staged ahead (`prefetch`).
    public init(plan: JobPlan, settings: BookSettings, expected: [Double]? = nil, exclusive: [String?]? = nil,
                verdicts: [Int: JobPlan.Verdict] = [:], completed: Set<Int> = [], assets: [[String]]? = nil) {
        self.plan = plan
        self.settings = settings
        self.verdicts = verdicts
        scheduler = Scheduler(plan: plan, expected: expected, exclusive: exclusive, assets: assets)
        stagesAssets = assets?.contains { !$0.isEmpty } ?? false
        scheduler.quarantineAfter = settings.quarantineAfter
        // Tests decided before the start (verdicts) are never dispatched, whatever group the
        // scheduler put them in: a test recorded done must not run (and finish twice).
        scheduler.withdraw(completed.union(verdicts.keys))
        tests = plan.tasks.indices.map { completed.contains($0) ? TestState(done: true) : TestState() }
        doneCount = completed.count
    }

    public var isDone: Bool { doneCount == tests.count }
    /// Whether the user interrupted the job (Ctrl-C, once or twice): it was cut short rather
    /// than ended by its own rules (failfast, the job timeout).
    public var interruptedByUser: Bool { signals > 0 }
    /// A second signal came: nothing is waited for any more.
    public var stoppedAtOnce: Bool { signals > 1 }
    /// Whether a host coming back could still get work.
    public var wantsHosts: Bool { interruption == nil && !isDone }

    /// The test a message is about, when `taskID` is its current dispatch and runs on `host`;
    /// nil for a late message (an attempt already re-run elsewhere).
    public func current(_ taskID: String, on host: String) -> Int? {
        guard let index = taskIndex[taskID], tests[index].taskID == taskID, scheduler.running[index] == host else { return nil }
        return index
    }

    /// Where a test's current (or last) dispatch went: the plan's host, arch and binary.
    public func placement(of test: Int) -> JobPlan.Placement? { tests[test].placement }

    public mutating func handle(_ event: BookEvent) -> [BookDecision] {
        var out: [BookDecision] = []
        switch event {
        case .start(let hosts, _):
            for (index, verdict) in verdicts.sorted(by: { $0.key < $1.key }) where !tests[index].done {
                out += neverRan(index, status: verdict.status, reason: verdict.reason)
            }
            // Every host is known before any gets a test: a test's scarcity counts all the hosts
            // that may run it, so the first host up does not take work another could do.
            for host in hosts { _ = scheduler.handle(.hostUp(host: host.name, slots: 0)) }
            for host in hosts { out += dispatch(scheduler.handle(.hostUp(host: host.name, slots: max(1, host.slots)))) }
            out += noHostsLeft(reason: nil) + ineligible(lostReason: nil)
            if let limit = settings.jobTimeout { out.append(.startTimer(.jobTimeout, after: limit)) }
        case .hostUp(let host, let slots, _):
            retrying[host] = nil
            out += dispatch(scheduler.handle(.hostUp(host: host, slots: max(1, slots))))
        case .hostLost(let host, let reason, let now):
            // Reasons are one line (an SSH error may carry several): OneLine.
            out += hostLost(host, reason: OneLine.fold(reason), now: now)
        case .started(let taskID, let host, let now):
            if let index = current(taskID, on: host) { tests[index].startedAt = now }
        case .finished(let taskID, let host, let status, let reason, let time, let whiteboard, _):
            guard let index = current(taskID, on: host) else {
                return [.log("host \(host): message for unknown or finished task \(taskID.debugDescription) ignored", error: true)]
            }
            // An agent's multi-line reason (it keeps the full text in the test's debug.log) is one line here.
            out += finished(index, host: host, status: status, reason: reason.map(OneLine.fold), time: time, whiteboard: whiteboard)
        case .timerFired(.giveUp(let host, let generation), _):
            out += giveUp(host, generation: generation)
        case .timerFired(.grace, let now):
            out += graceExpired(now: now)
        case .timerFired(.jobTimeout, _):
            out += interrupt(reason: "Job timeout (\(JobPlan.seconds(settings.jobTimeout ?? 0)) s) reached", cancelRunning: true)
        case .signal(let signal, let now):
            signals += 1
            if signals == 1 {
                let grace = JobPlan.seconds(settings.interruptGrace)
                out.append(.tell("\n\(signal.rawValue): stopping the job: running tests get \(grace) s to stop, "
                                 + "then the report is written (again to stop at once)\n"))
                out += interrupt(reason: signal.reason, cancelRunning: true)
            } else {
                // At once: what still runs ends INTERRUPTED now, and the report is written.
                _ = interrupt(reason: interruption ?? signal.reason, cancelRunning: false)
                out += graceExpired(now: now, reason: "Test interrupted: the job was stopped by a second \(signal.rawValue)")
            }
        case .assetsHeld(let host, let keys):
            scheduler.noteHeld(host, keys: keys)
        }
        if isDone && !finishSent {
            finishSent = true
            out.append(.finish)
        }
        return out
    }

    // MARK: tasks

    private mutating func finished(_ index: Int, host: String, status: TestStatus, reason: String?, time: Double,
                                   whiteboard: String?) -> [BookDecision] {
        let failed = status == .fail || status == .error
        if failed, interruption == nil, tests[index].retriesUsed < settings.retries {
            // --retries: keep this attempt and run the test again, elsewhere when possible.
            tests[index].retriesUsed += 1
            let attempt = TestResult.Attempt(host: host, status: status, failReason: reason, time: time)
            tests[index].attempts.append(attempt)
            return [.attemptEnded(test: index, attempt: attempt),
                    .log("host \(host): \(plan.tasks[index].name): \(status.rawValue) (\(reason ?? "<unknown>")); "
                         + "retry \(tests[index].retriesUsed) of \(settings.retries)", error: false)]
                + dispatch(scheduler.handle(.retry(test: index, host: host)))
        }
        var out: [BookDecision] = []
        if settings.failfast && failed && interruption == nil {
            // Stop first, so the slot this test frees gets nothing new.
            out += interrupt(reason: "Interrupting job (failfast).", cancelRunning: false)
        }
        return out + finish(index, host: host, status: status, reason: reason, time: time, whiteboard: whiteboard)
    }

    /// Records a test's final result; dispatches what its freed slot runs next.
    mutating func finish(_ index: Int, host: String, status: TestStatus, reason: String?, time: Double,
                         whiteboard: String?, addAttempt: Bool = true) -> [BookDecision] {
        guard !tests[index].done else { return [] }
        if addAttempt { tests[index].attempts.append(.init(host: host, status: status, failReason: reason, time: time)) }
        tests[index].done = true
        doneCount += 1
        let placement = tests[index].placement?.host == host ? tests[index].placement : plan.tasks[index].placement(on: host)
        let outcome = BookOutcome(test: index, status: status, reason: reason, host: host, arch: placement?.arch ?? plan.tasks[index].arch,
                                  qemuBin: placement?.qemuBin, time: time, whiteboard: whiteboard, attempts: tests[index].attempts,
                                  flaky: tests[index].retriesUsed > 0 && (status == .pass || status == .warn), ran: true)
        let next = scheduler.running[index] == host ? scheduler.handle(.taskFinished(test: index, host: host)) : []
        return [.record(outcome)] + dispatch(next)
    }

    /// A test that never started: decided before the job, or left when it could not go on.
    mutating func neverRan(_ index: Int, status: TestStatus, reason: String) -> [BookDecision] {
        guard !tests[index].done else { return [] }
        if let last = tests[index].attempts.last {
            // It ran before (a lost host, a retry): its last host stays on record.
            return finish(index, host: last.host, status: status, reason: reason, time: 0, whiteboard: nil, addAttempt: false)
        }
        tests[index].done = true
        doneCount += 1
        return [.record(BookOutcome(test: index, status: status, reason: reason, host: nil, arch: plan.tasks[index].arch,
                                    qemuBin: nil, time: 0, whiteboard: nil, attempts: [], flaky: false, ran: false))]
    }

    private mutating func dispatch(_ assignments: [Assignment]) -> [BookDecision] {
        var out: [BookDecision] = assignments.map { a in
            let id = "\(a.test + 1).\(a.attempt)"
            tests[a.test].taskID = id
            tests[a.test].startedAt = nil
            taskIndex[id] = a.test
            // Exactly the plan's choice on this host: the agent runs it and decides nothing.
            let placement = plan.tasks[a.test].placement(on: a.host)
            tests[a.test].placement = placement
            return .dispatch(BookDispatch(test: a.test, host: a.host, attempt: a.attempt, taskID: id,
                                          arch: placement?.arch ?? "", qemuBin: placement?.qemuBin,
                                          timeout: plan.tasks[a.test].timeout))
        }
        // While a host runs what it just got, the assets of the test it would take next go there.
        guard stagesAssets else { return out }
        var seen = Set<String>()
        for a in assignments where seen.insert(a.host).inserted {
            guard let next = scheduler.peek(for: a.host), prefetched[a.host] != next else { continue }
            let missing = scheduler.missingAssets(next, on: a.host)
            guard !missing.isEmpty else { continue }
            prefetched[a.host] = next
            out.append(.prefetch(host: a.host, test: next, keys: missing.sorted()))
        }
        return out
    }

    // MARK: hosts lost, given up on; interrupts

    private mutating func hostLost(_ host: String, reason: String, now: Double) -> [BookDecision] {
        guard scheduler.liveHosts.contains(host) else { return [] }
        var out: [BookDecision] = [.log("host \(host) lost: \(reason)", error: true)]
        for index in scheduler.running.filter({ $0.value == host }).map(\.key).sorted() {
            // An infrastructure failure is never the test's fault: record it and run the test elsewhere.
            let attempt = TestResult.Attempt(host: host, status: .error, failReason: "host \(host) lost: \(reason)",
                                             time: tests[index].startedAt.map { now - $0 } ?? 0)
            tests[index].attempts.append(attempt)
            out.append(.attemptEnded(test: index, attempt: attempt))
        }
        out += dispatch(scheduler.handle(.hostLost(host: host)))
        for (index, hosts) in scheduler.takeQuarantined() {
            let why = "quarantined: hosts \(hosts.dropLast().joined(separator: ", ")) and \(hosts.last ?? host) were lost while running it"
            out.append(.log("\(plan.tasks[index].name): \(why)", error: true))
            out += finish(index, host: host, status: .error, reason: why, time: 0, whiteboard: nil, addAttempt: false)
        }
        lostReasons[host] = reason
        if let limit = settings.hostGiveUp, wantsHosts {
            // Tests only this host can run wait for it, up to --host-give-up.
            lossCount += 1
            retrying[host] = lossCount
            out.append(.startTimer(.giveUp(host: host, generation: lossCount), after: limit))
        }
        return out + noHostsLeft(reason: "host \(host) lost: \(reason)") + ineligible(lostReason: "host \(host) lost: \(reason)")
    }

    private mutating func giveUp(_ host: String, generation: Int) -> [BookDecision] {
        guard retrying[host] == generation else { return [] }
        retrying[host] = nil
        let reason = "host \(host) lost: \(lostReasons[host] ?? "unknown reason"); not back within \(JobPlan.seconds(settings.hostGiveUp ?? 0)) s"
        return [.log(reason, error: true)] + noHostsLeft(reason: reason) + ineligible(lostReason: reason)
    }

    /// With no live host left and none being reconnected, nothing pending can ever run.
    private mutating func noHostsLeft(reason lost: String?) -> [BookDecision] {
        guard scheduler.liveHosts.isEmpty, retrying.isEmpty else { return [] }
        let reason = lost.map { $0 + "; no other host can run this test" } ?? settings.noHostReason
        return scheduler.drainPending().flatMap { neverRan($0, status: .error, reason: reason) }
    }

    /// Tests no live host may run (and no host being reconnected could) end CANCEL with the
    /// plan's reason, as Avocado cancels a test without its QEMU; after a lost host, ERROR.
    private mutating func ineligible(lostReason: String?) -> [BookDecision] {
        var out: [BookDecision] = []
        for index in scheduler.drainIneligible(awaiting: Set(retrying.keys)) {
            let task = plan.tasks[index]
            let why = task.unplaceable ?? "only \(task.placements.map(\.host).joined(separator: ", ")) could run it"
            if let lostReason {
                let infra = tests[index].attempts.isEmpty ? lostReason + "; no other host can run this test: " + why : lostReason + "; " + why
                out += neverRan(index, status: .error, reason: infra)
            } else {
                out += neverRan(index, status: .cancel, reason: why)
            }
        }
        return out
    }

    private mutating func interrupt(reason: String, cancelRunning: Bool) -> [BookDecision] {
        if interruption == nil { interruption = reason }
        var out: [BookDecision] = [.log("interrupting the job: \(reason)", error: false)]
        _ = scheduler.handle(.stop)
        for index in scheduler.drainPending() {
            // A test waiting to be retried (or re-run after a lost host) keeps its last attempt's outcome.
            if let last = tests[index].attempts.last {
                out += finish(index, host: last.host, status: last.status, reason: last.failReason, time: last.time,
                              whiteboard: nil, addAttempt: false)
            } else {
                out += neverRan(index, status: .skip, reason: reason)
            }
        }
        if cancelRunning {
            let running = scheduler.running.sorted { $0.key < $1.key }
            out += running.map { .cancel(host: $0.value, taskID: tests[$0.key].taskID ?? "") }
            if !running.isEmpty { out.append(.startTimer(.grace, after: settings.interruptGrace)) }
        }
        return out
    }

    /// Tests still running after the grace period end INTERRUPTED (dispatch is stopped, so the
    /// freed slots get nothing new).
    private mutating func graceExpired(now: Double, reason why: String? = nil) -> [BookDecision] {
        var out: [BookDecision] = []
        for (index, host) in scheduler.running.sorted(by: { $0.key < $1.key }) {
            let reason = why ?? "Test interrupted: it did not stop within \(JobPlan.seconds(settings.interruptGrace)) s of being cancelled"
            out.append(.log("host \(host): \(plan.tasks[index].name): \(reason)", error: true))
            out += finish(index, host: host, status: .interrupted, reason: reason,
                          time: tests[index].startedAt.map { now - $0 } ?? 0, whiteboard: nil)
        }
        return out
    }
}
