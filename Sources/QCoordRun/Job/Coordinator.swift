import Foundation
import QCoordCore
import QCoordReport

/// Runs one job's tests on a set of agent links and collects one result per test.
///
/// An actor whose state-changing methods are synchronous: they return the I/O to do
/// (`Action`s), and `perform` does it outside them, so no reentrancy can interleave a state change.
public actor Coordinator {
    public struct HostLink: Sendable {
        public var link: any AgentLink
        public var slots: Int
        public init(link: any AgentLink, slots: Int) { self.link = link; self.slots = slots }
    }

    /// Connects a lost host again (the same path as at the job's start: agent, `ready`, tree);
    /// throws when the host does not answer yet.
    public typealias Reconnect = @Sendable (_ host: String) async throws -> any AgentLink

    enum Action: Sendable {
        case run(host: String, CoordinatorMessage.RunTask)
        case cancel(host: String, taskID: String)
        case scheduleGrace
        case scheduleGiveUp(host: String, generation: Int)
    }

    /// Per-test bookkeeping while the job runs.
    struct TestState {
        var testDir: String
        var host: String?
        var startedMono: Double?
        var startedEpoch: Double?
        var qemuBin: String?
        var arch: String?
        var attempts: [TestResult.Attempt] = []
        var sawDebugLog = false
        /// stdout or stderr got bytes (else writeDebugLog need not read them back).
        var sawOutput = false
        var printedStart = false
        /// The current dispatch's task id, `<uid>.<attempt>`: messages for any other are late.
        var taskID: String?
        /// `--retries` used so far (re-runs after a FAIL or ERROR; lost hosts do not count).
        var retriesUsed = 0
    }

    let tests: [TestCase]
    /// Where each test may run, with which binary and limit: the only placement.
    let plan: JobPlan
    private(set) var links: [String: HostLink]
    let hostOrder: [String]
    let directory: JobDirectory
    let recorder: JobRecorder
    let log: JobLog
    let config: RunConfiguration
    let console: Console

    private var scheduler: Scheduler
    private var states: [TestState]
    private var results: [Int: TestResult] = [:]
    private var taskIndex: [String: Int] = [:]
    private(set) var interruption: String?
    private var userInterrupts = 0
    private let done: AsyncStream<Void>.Continuation
    private let doneStream: AsyncStream<Void>

    private let noHostReason: String
    // report: live progress and --json-events read these (see JobEventSink).
    private let events: JobEventSink
    /// Outcomes decided before the job starts (no reachable host can run the test).
    private let verdicts: [Int: JobPlan.Verdict]
    private let reconnect: Reconnect?
    /// Lost hosts being reconnected and not yet given up on (`--host-give-up`) → their loss number.
    private var retrying: [String: Int] = [:]
    private var lostReasons: [String: String] = [:]
    private var lossCount = 0

    /// - Parameters:
    ///   - noHostReason: why tests end ERROR when no host is (or is left) to run them.
    ///   - verdicts: tests that end with this status and reason without running (no reachable
    ///     host can run them; the Scheduler, routing by the hosts' `ready`, never sends them).
    ///   - events: told when a test starts or ends and when a host is lost.
    ///   - reconnect: how to connect a lost host again; nil: a lost host stays lost.
    ///   - completed: `run --resume`: tests that have their result from the earlier run; never dispatched.
    public init(tests: [TestCase], plan: JobPlan? = nil, links: [HostLink], directory: JobDirectory, recorder: JobRecorder,
                log: JobLog, config: RunConfiguration, console: Console,
                noHostReason: String = "no host is available",
                verdicts: [Int: JobPlan.Verdict] = [:], events: JobEventSink = .none,
                reconnect: Reconnect? = nil, completed: [Int: TestResult] = [:]) {
        let plan = plan ?? JobPlan.make(tests: tests, settings: config.planSettings,
                                        hosts: links.map { .init(name: $0.link.host, facts: $0.link.capabilities) })
        self.plan = plan
        self.reconnect = reconnect
        self.noHostReason = noHostReason
        self.verdicts = verdicts
        self.events = events
        self.tests = tests
        var byHost: [String: HostLink] = [:]
        for l in links { byHost[l.link.host] = l }
        self.links = byHost
        hostOrder = links.map(\.link.host)
        self.directory = directory
        self.recorder = recorder
        self.log = log
        self.config = config
        self.console = console
        scheduler = Scheduler(plan: plan, expected: config.timings.expected(for: tests),
                              exclusive: Scheduler.exclusiveGroups(tests, tag: config.exclusiveTag))
        states = tests.indices.map { i in
            TestState(testDir: directory.testDirectory(uid: i + 1, name: tests[i].name, total: tests.count))
        }
        (doneStream, done) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        results = completed
        scheduler.withdraw(Set(completed.keys))
    }

    /// Runs every test; returns the results in uid order (tests that never ran included).
    public func run() async -> [TestResult] {
        guard !tests.isEmpty else { return [] }
        for (index, verdict) in verdicts.sorted(by: { $0.key < $1.key }) {
            finishNeverRun(index, status: verdict.status, reason: verdict.reason)
        }
        checkDone()
        var actions: [Action] = []
        for host in hostOrder { actions += hostUp(host) }
        actions += checkNoHosts()
        checkIneligible()
        await perform(actions)
        await withTaskGroup(of: Void.self) { group in
            for host in hostOrder {
                guard let link = links[host]?.link else { continue }
                group.addTask { await self.serve(host, first: link) }
            }
            if let limit = config.jobTimeout {
                group.addTask {
                    try? await Task.sleep(for: .seconds(limit))
                    if Task.isCancelled { return }
                    await self.perform(await self.interrupt(reason: "Job timeout (\(Self.seconds(limit)) s) reached",
                                                            cancelRunning: true))
                }
            }
            for await _ in doneStream { break }
            group.cancelAll()
        }
        config.resultsEnded?()
        return finalResults()
    }

    /// One host's events, link after link: when its link is lost and `reconnect` is given, the
    /// host is connected again with backoff (1, 2, 4, 8, 10, 10 … s) and rejoins with a fresh `ready`.
    private func serve(_ host: String, first: any AgentLink) async {
        var link: (any AgentLink)? = first
        while let current = link {
            for await batch in current.events {
                for event in batch {
                    let acts = receive(event, from: host)
                    // Most events (started, output, heartbeats) act on nothing: no second hop.
                    if !acts.isEmpty { await perform(acts) }
                }
            }
            // Ended by our own cancellation (the job is done): not a lost host.
            if Task.isCancelled { return }
            await perform(receive(.lost(reason: "the agent's event stream ended"), from: host))
            link = await reconnectAgain(host)
        }
    }

    private func reconnectAgain(_ host: String) async -> (any AgentLink)? {
        guard let reconnect else { return nil }
        var delay = 1.0
        while !Task.isCancelled, wantsHosts {
            try? await Task.sleep(for: .seconds(delay))
            guard !Task.isCancelled, wantsHosts else { return nil }
            switch await Self.unlessCancelled({ try await reconnect(host) }) {
            case .success(let link)?:
                await perform(rejoin(host, link: link))
                return link
            case .failure(let error)?:
                log.info("host \(host): not back yet (\(error)); next try in \(Self.seconds(min(delay * 2, 10))) s")
            case nil:
                return nil
            }
            delay = min(delay * 2, 10)
        }
        return nil
    }

    /// Whether a host coming back could still get work.
    private var wantsHosts: Bool { interruption == nil && results.count < tests.count }

    /// `body`'s result, or nil as soon as the caller is cancelled (a connect in progress is not
    /// waited for, so the job's end is not delayed; a link it still yields is shut down).
    static func unlessCancelled(_ body: @escaping @Sendable () async throws -> any AgentLink) async -> Result<any AgentLink, any Error>? {
        let once = OnceResume<Result<any AgentLink, any Error>?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.set(continuation)
                Task {
                    let result: Result<any AgentLink, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    if !once.resume(result), case .success(let link) = result { await link.shutdown(grace: .zero) }
                }
            }
        } onCancel: {
            _ = once.resume(nil)
        }
    }

    /// Why the job was interrupted (failfast, job timeout, Ctrl-C); nil when it was not.
    public var interruptionReason: String? { interruption }

    /// Ctrl-C: the first stops dispatching and lets running tests finish; the second interrupts them.
    public func userInterrupt() async {
        await perform(userInterruptActions())
    }

    // MARK: state changes (no await below this line until `perform`)

    /// The links in use now (a rejoined host's new one), to shut down after the job.
    public var currentLinks: [any AgentLink] { hostOrder.compactMap { links[$0]?.link } }

    /// A lost host answered again: its new link takes its old one's place and its slots come back.
    func rejoin(_ host: String, link: any AgentLink) -> [Action] {
        let slots = links[host]?.slots ?? 1
        links[host] = HostLink(link: link, slots: slots)
        retrying[host] = nil
        log.info("host \(host) is back: \(link.capabilities.arch), \(slots) slots")
        events.emit(.hostUp(host: host, arch: link.capabilities.arch, slots: slots, time: JobClock.epoch()))
        // The plan stands: the tests that waited for it are sent as planned (its agent refuses,
        // with why, one whose binary is gone).
        return hostUp(host)
    }

    func hostUp(_ host: String) -> [Action] {
        let slots = links[host]?.slots ?? 0
        return assign(scheduler.handle(.hostUp(host: host, slots: max(slots, 1))))
    }

    func userInterruptActions() -> [Action] {
        userInterrupts += 1
        if userInterrupts == 1 {
            console.err("\nInterrupt requested: waiting for running tests (Ctrl-C again to interrupt them)\n")
            return interrupt(reason: "Interrupted by user request", cancelRunning: false)
        }
        return interrupt(reason: interruption ?? "Interrupted by user request", cancelRunning: true)
    }

    func interrupt(reason: String, cancelRunning: Bool) -> [Action] {
        if interruption == nil { interruption = reason }
        log.info("interrupting the job: \(reason)")
        _ = scheduler.handle(.stop)
        for index in scheduler.drainPending() {
            // A test waiting to be retried (or re-run after a lost host) keeps its last attempt's outcome.
            if let last = states[index].attempts.last {
                _ = finish(index, host: last.host, status: last.status, reason: last.failReason, time: last.time,
                           whiteboard: nil, addAttempt: false)
            } else {
                finishNeverRun(index, status: .skip, reason: reason)
            }
        }
        var actions: [Action] = []
        if cancelRunning {
            for (index, host) in scheduler.running.sorted(by: { $0.key < $1.key }) {
                actions.append(.cancel(host: host, taskID: states[index].taskID ?? ""))
            }
            if !actions.isEmpty { actions.append(.scheduleGrace) }
        }
        checkDone()
        return actions
    }

    /// Tests still running after the grace period are ended INTERRUPTED by the coordinator.
    func graceExpired() -> [Action] {
        for (index, host) in scheduler.running.sorted(by: { $0.key < $1.key }) {
            let reason = "Test interrupted: it did not stop within \(Self.seconds(config.interruptGrace)) s of being cancelled"
            log.error("host \(host): \(tests[index].name): \(reason)")
            // Dispatch is stopped, so the freed slot gets no new test.
            _ = finish(index, host: host, status: .interrupted, reason: reason,
                       time: states[index].startedMono.map { JobClock.monotonic() - $0 } ?? 0, whiteboard: nil)
        }
        checkDone()
        return []
    }

    func receive(_ event: AgentEvent, from host: String) -> [Action] {
        switch event {
        case .lost(let reason):
            return hostLost(host, reason: reason)
        case .message(let message):
            switch message {
            case .ready, .heartbeat:
                return []
            case .error(let text):
                log.error("host \(host): agent error: \(text)")
                return []
            case .started(let s):
                guard let index = runningIndex(s.taskID, on: host) else { return [] }
                states[index].startedMono = JobClock.monotonic()
                states[index].startedEpoch = JobClock.epoch()
                if !states[index].printedStart {
                    states[index].printedStart = true
                    if console.showsStarted {
                        console.out(HumanRenderer.started(uid: index + 1, total: tests.count, name: tests[index].name))
                    }
                }
                events.emit(.testStarted(uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: tests.count),
                                         name: tests[index].name, host: host, arch: states[index].arch,
                                         qemuBin: states[index].qemuBin, time: JobClock.epoch()))
                return []
            case .output(let o):
                guard let index = runningIndex(o.taskID, on: host) else { return [] }
                guard o.stream == "stdout" || o.stream == "stderr" else {
                    log.error("host \(host): output on unknown stream \(o.stream.debugDescription) ignored")
                    return []
                }
                guard let bytes = Data(base64Encoded: o.dataB64) else {
                    log.error("host \(host): undecodable output chunk for \(tests[index].name) ignored")
                    return []
                }
                states[index].sawOutput = true
                write { try directory.appendTestFile(testDir: states[index].testDir, name: o.stream, bytes: Array(bytes)) }
                return []
            case .file(let f):
                guard let index = runningIndex(f.taskID, on: host) else { return [] }
                guard let bytes = Data(base64Encoded: f.dataB64), f.offset >= 0 else {
                    log.error("host \(host): undecodable file chunk \(f.name.debugDescription) ignored")
                    return []
                }
                if f.name == "debug.log" { states[index].sawDebugLog = true }
                write { try directory.writeTestFile(testDir: states[index].testDir, name: f.name, offset: f.offset, bytes: Array(bytes)) }
                return []
            case .finished(let f):
                guard let index = runningIndex(f.taskID, on: host) else { return [] }
                if f.status == .fail || f.status == .error, interruption == nil, states[index].retriesUsed < config.retries {
                    // --retries: keep this attempt and run the test again, elsewhere when possible.
                    states[index].retriesUsed += 1
                    states[index].attempts.append(.init(host: host, status: f.status, failReason: f.failReason, time: f.timeS))
                    if !states[index].sawDebugLog { writeDebugLog(index, status: f.status, reason: f.failReason) }
                    log.info("host \(host): \(tests[index].name): \(f.status.rawValue) (\(f.failReason ?? "<unknown>")); "
                             + "retry \(states[index].retriesUsed) of \(config.retries)")
                    return assign(scheduler.handle(.retry(test: index, host: host)))
                }
                var actions: [Action] = []
                if config.failfast && (f.status == .fail || f.status == .error) && interruption == nil {
                    // Stop first, so the slot this test frees gets nothing new.
                    actions += interrupt(reason: "Interrupting job (failfast).", cancelRunning: false)
                }
                actions += assign(finish(index, host: host, status: f.status, reason: f.failReason,
                                         time: f.timeS, whiteboard: f.whiteboard))
                checkDone()
                return actions
            }
        }
    }

    func hostLost(_ host: String, reason: String) -> [Action] {
        guard scheduler.liveHosts.contains(host) else { return [] }
        log.error("host \(host) lost: \(reason)")
        events.emit(.hostLost(host: host, reason: reason, time: JobClock.epoch()))
        let inFlight = scheduler.running.filter { $0.value == host }.map(\.key).sorted()
        for index in inFlight {
            // An infrastructure failure is never the test's fault: record it and run the test elsewhere.
            let time = states[index].startedMono.map { JobClock.monotonic() - $0 } ?? 0
            states[index].attempts.append(.init(host: host, status: .error, failReason: "host \(host) lost: \(reason)", time: time))
            if !states[index].sawDebugLog { writeDebugLog(index, status: .error, reason: "host \(host) lost: \(reason)") }
        }
        var actions = assign(scheduler.handle(.hostLost(host: host)))
        for (index, hosts) in scheduler.takeQuarantined() {
            let names = hosts.dropLast().joined(separator: ", ") + " and " + (hosts.last ?? host)
            let why = "quarantined: hosts \(names) were lost while running it"
            log.error("\(tests[index].name): \(why)")
            _ = finish(index, host: host, status: .error, reason: why, time: 0, whiteboard: nil, addAttempt: false)
        }
        lostReasons[host] = reason
        if reconnect != nil, wantsHosts {
            // Tests only this host can run wait for it, up to --host-give-up.
            lossCount += 1
            retrying[host] = lossCount
            actions.append(.scheduleGiveUp(host: host, generation: lossCount))
        }
        actions += checkNoHosts(lostReason: "host \(host) lost: \(reason)")
        checkIneligible(lostReason: "host \(host) lost: \(reason)")
        checkDone()
        return actions
    }

    /// `--host-give-up` passed since `host` was lost and it is not back: tests only it could run end ERROR.
    func giveUp(_ host: String, generation: Int) -> [Action] {
        guard retrying[host] == generation else { return [] }
        retrying[host] = nil
        let reason = "host \(host) lost: \(lostReasons[host] ?? "unknown reason"); not back within \(Self.seconds(config.hostGiveUp)) s"
        log.error(reason)
        let actions = checkNoHosts(lostReason: reason)
        checkIneligible(lostReason: reason)
        checkDone()
        return actions
    }

    /// With no live host left, nothing pending can ever run: end it ERROR with the infra reason.
    func checkNoHosts(lostReason: String? = nil) -> [Action] {
        guard scheduler.liveHosts.isEmpty, retrying.isEmpty else { return [] }
        let reason = lostReason.map { $0 + "; no other host can run this test" } ?? noHostReason
        for index in scheduler.drainPending() where results[index] == nil {
            if let host = states[index].attempts.last?.host {
                _ = finish(index, host: host, status: .error, reason: reason, time: 0, whiteboard: nil, addAttempt: false)
            } else {
                finishNeverRun(index, status: .error, reason: reason)
            }
        }
        checkDone()
        return []
    }

    /// Tests no live host may run end CANCEL with the plan's reason, as Avocado cancels a test
    /// without its QEMU; after a lost host, ERROR.
    func checkIneligible(lostReason: String? = nil) {
        let drained = scheduler.drainIneligible(awaiting: Set(retrying.keys))
        guard !drained.isEmpty else { return }
        for index in drained {
            let task = plan.tasks[index]
            let why = task.unplaceable ?? "only \(task.placements.map(\.host).joined(separator: ", ")) could run it"
            if let lostReason, let host = states[index].attempts.last?.host {
                _ = finish(index, host: host, status: .error, reason: lostReason + "; " + why, time: 0, whiteboard: nil, addAttempt: false)
            } else if let lostReason {
                // The lost host might have run it: an infrastructure failure, not the test's.
                finishNeverRun(index, status: .error, reason: lostReason + "; no other host can run this test: " + why)
            } else {
                finishNeverRun(index, status: .cancel, reason: why)
            }
        }
        checkDone()
    }

    private func assign(_ assignments: [Assignment]) -> [Action] {
        assignments.map { a in
            let test = tests[a.test]
            states[a.test].host = a.host
            states[a.test].startedMono = nil
            states[a.test].sawDebugLog = false
            states[a.test].sawOutput = false
            write {
                let dir = states[a.test].testDir
                // A re-run keeps the earlier attempt's logs in attempt-N/; the test dir holds the last.
                if a.attempt > 1 { try Self.keepAttemptLogs(dir: dir, attempt: a.attempt - 1) }
                // As Avocado: stdout and stderr exist even when the test printed nothing.
                try directory.makeTestDirectory(dir, emptyFiles: ["stdout", "stderr"])
            }
            let id = "\(a.test + 1).\(a.attempt)"
            states[a.test].taskID = id
            taskIndex[id] = a.test
            // Exactly the plan's choice for this host: the agent runs it and decides nothing.
            let planned = plan.tasks[a.test]
            let placement = planned.placement(on: a.host)
            let bin = placement?.qemuBin
            states[a.test].qemuBin = bin
            states[a.test].arch = placement?.arch ?? test.arch
            let task = CoordinatorMessage.RunTask(
                taskID: id, kind: test.kind, name: test.baseName, uri: test.uri, args: test.runner ?? [],
                arch: bin == nil ? nil : placement?.arch, qemuBin: bin, params: planned.params, env: [:],
                timeoutS: planned.timeout, workdir: config.workdir, tags: test.tags.isEmpty ? nil : test.tags)
            return .run(host: a.host, task)
        }
    }

    private func runningIndex(_ taskID: String, on host: String) -> Int? {
        // A host that froze and woke up again may still report an attempt already re-run elsewhere.
        guard let index = taskIndex[taskID], states[index].taskID == taskID, scheduler.running[index] == host else {
            log.error("host \(host): message for unknown or finished task \(taskID.debugDescription) ignored")
            return nil
        }
        return index
    }

    /// Records a test's final result; returns what the freed slot should run next.
    private func finish(_ index: Int, host: String, status: TestStatus, reason: String?, time: Double,
                        whiteboard: String?, addAttempt: Bool = true) -> [Assignment] {
        var state = states[index]
        if addAttempt { state.attempts.append(.init(host: host, status: status, failReason: reason, time: time)) }
        let endMono = JobClock.monotonic(), endEpoch = JobClock.epoch()
        if !state.sawDebugLog { writeDebugLog(index, status: status, reason: reason) }
        let total = tests.count
        let result = TestResult(
            uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: total),
            name: tests[index].name, kind: tests[index].kind, status: status, failReason: reason,
            tags: tests[index].tags, timeElapsed: time, timeStart: endMono - time, timeEnd: endMono,
            actualTimeStart: state.startedEpoch ?? (endEpoch - time), actualTimeEnd: endEpoch,
            logdir: state.testDir, logfile: state.testDir + "/debug.log", whiteboard: whiteboard ?? "",
            host: host, arch: state.arch ?? tests[index].arch, qemuBin: state.qemuBin, attempts: state.attempts,
            ran: true)
        var recorded = result
        if state.retriesUsed > 0 && (status == .pass || status == .warn) { recorded.flaky = true }
        recorded.qemuVersion = state.qemuBin.flatMap { bin in
            links[host]?.link.capabilities.qemu.values.first { $0.path == bin }?.version
        }
        states[index] = state
        results[index] = recorded
        do { try recorder.record(recorded) } catch { log.error("\(error)") }
        config.resultObserver?(recorded)
        if !state.printedStart {
            if console.showsStarted { console.out(HumanRenderer.started(uid: index + 1, total: total, name: tests[index].name)) }
            states[index].printedStart = true
        }
        console.out(HumanRenderer.finished(recorded, total: total))
        events.emit(.testFinished(recorded, time: endEpoch))
        return scheduler.running[index] == host ? scheduler.handle(.taskFinished(test: index, host: host)) : []
    }

    private func finishNeverRun(_ index: Int, status: TestStatus, reason: String) {
        // A test decided before the job started keeps that outcome.
        guard results[index] == nil else { return }
        let dir = states[index].testDir
        write {
            try directory.makeTestDirectory(dir)
            try directory.writeTestFile(testDir: dir, name: "debug.log", offset: 0,
                                        bytes: Array("\(tests[index].name): never ran: \(reason)\n".utf8))
        }
        let now = JobClock.monotonic(), epoch = JobClock.epoch()
        let result = TestResult(
            uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: tests.count),
            name: tests[index].name, kind: tests[index].kind, status: status, failReason: reason,
            tags: tests[index].tags, timeStart: now, timeEnd: now, actualTimeStart: epoch, actualTimeEnd: epoch,
            logdir: dir, logfile: dir + "/debug.log", arch: tests[index].arch,
            attempts: states[index].attempts, ran: false)
        results[index] = result
        do { try recorder.record(result) } catch { log.error("\(error)") }
        events.emit(.testFinished(result, time: epoch))
    }

    /// The agent sent no debug.log: write one from what qcoord saw (Avocado's `[stdout] …` lines).
    private func writeDebugLog(_ index: Int, status: TestStatus, reason: String?) {
        let dir = states[index].testDir
        var text = ""
        for stream in ["stdout", "stderr"] where states[index].sawOutput {
            guard let data = FileManager.default.contents(atPath: dir + "/" + stream) else { continue }
            for line in String(decoding: data.prefix(1 << 20), as: UTF8.self).split(separator: "\n") {
                text += "[\(stream)] \(line)\n"
            }
        }
        text += "\(status.rawValue)" + (reason.map { ": \($0)" } ?? "") + "\n"
        write { try directory.replaceTestFile(testDir: dir, name: "debug.log", bytes: Array(text.utf8)) }
    }

    /// Test files are written from the actor: they are small appends to local disk, and doing
    /// them here keeps the order of an agent's chunks without another queue.
    private func write(_ body: () throws -> Void) {
        do { try body() } catch { log.error("\(error)") }
    }

    private func checkDone() {
        if results.count == tests.count { done.yield() }
    }

    private func finalResults() -> [TestResult] {
        tests.indices.compactMap { results[$0] }
    }

    /// Moves the files of attempt `attempt` (everything in `dir` but earlier `attempt-*` dirs) to `dir/attempt-N`.
    static func keepAttemptLogs(dir: String, attempt: Int) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
        let moved = names.filter { !$0.hasPrefix("attempt-") }
        guard !moved.isEmpty else { return }
        let target = dir + "/attempt-\(attempt)"
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in moved { try fm.moveItem(atPath: dir + "/" + name, toPath: target + "/" + name) }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }

    // MARK: I/O

    private func perform(_ actions: [Action]) async {
        for action in actions {
            switch action {
            case .run(let host, let task):
                await links[host]?.link.run(task)
            case .cancel(let host, let taskID):
                await links[host]?.link.cancel(taskID: taskID)
            case .scheduleGiveUp(let host, let generation):
                let limit = config.hostGiveUp
                Task {
                    try? await Task.sleep(for: .seconds(limit))
                    await self.perform(self.giveUp(host, generation: generation))
                }
            case .scheduleGrace:
                let grace = config.interruptGrace
                Task {
                    try? await Task.sleep(for: .seconds(grace))
                    _ = self.graceExpired()
                }
            }
        }
    }
}
