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

    enum Action: Sendable {
        case run(host: String, CoordinatorMessage.RunTask)
        case cancel(host: String, taskID: String)
        case scheduleGrace
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
    }

    let tests: [TestCase]
    let links: [String: HostLink]
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
    private let verdicts: [Int: HostRouting.Verdict]

    /// - Parameters:
    ///   - noHostReason: why tests end ERROR when no host is (or is left) to run them.
    ///   - verdicts: tests that end with this status and reason without running (no reachable
    ///     host can run them; the Scheduler, routing by the hosts' `ready`, never sends them).
    ///   - events: told when a test starts or ends and when a host is lost.
    public init(tests: [TestCase], links: [HostLink], directory: JobDirectory, recorder: JobRecorder,
                log: JobLog, config: RunConfiguration, console: Console,
                noHostReason: String = "no host is available",
                verdicts: [Int: HostRouting.Verdict] = [:], events: JobEventSink = .none) {
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
        scheduler = Scheduler(tests: tests, expected: config.timings.expected(for: tests),
                              exclusiveTag: config.exclusiveTag, params: config.params)
        states = tests.indices.map { i in
            TestState(testDir: directory.testDirectory(uid: i + 1, name: tests[i].name, total: tests.count))
        }
        (doneStream, done) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
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
                group.addTask {
                    for await event in link.events {
                        let acts = await self.receive(event, from: host)
                        // Most events (started, output, heartbeats) act on nothing: no second hop.
                        if !acts.isEmpty { await self.perform(acts) }
                    }
                    // Ended by our own cancellation (the job is done): not a lost host.
                    if Task.isCancelled { return }
                    await self.perform(await self.receive(.lost(reason: "the agent's event stream ended"), from: host))
                }
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
        return finalResults()
    }

    /// Why the job was interrupted (failfast, job timeout, Ctrl-C); nil when it was not.
    public var interruptionReason: String? { interruption }

    /// Ctrl-C: the first stops dispatching and lets running tests finish; the second interrupts them.
    public func userInterrupt() async {
        await perform(userInterruptActions())
    }

    // MARK: state changes (no await below this line until `perform`)

    func hostUp(_ host: String) -> [Action] {
        let slots = links[host]?.slots ?? 0
        return assign(scheduler.handle(.hostUp(host: host, slots: max(slots, 1), capabilities: links[host]?.link.capabilities)))
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
            finishNeverRun(index, status: .skip, reason: reason)
        }
        var actions: [Action] = []
        if cancelRunning {
            for (index, host) in scheduler.running.sorted(by: { $0.key < $1.key }) {
                actions.append(.cancel(host: host, taskID: taskID(index)))
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
                states[index].qemuBin = s.qemuBin
                states[index].arch = s.arch ?? tests[index].arch
                if !states[index].printedStart {
                    states[index].printedStart = true
                    if console.showsStarted {
                        console.out(HumanRenderer.started(uid: index + 1, total: tests.count, name: tests[index].name))
                    }
                }
                events.emit(.testStarted(uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: tests.count),
                                         name: tests[index].name, host: host, arch: states[index].arch,
                                         qemuBin: s.qemuBin, time: JobClock.epoch()))
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
        }
        var actions = assign(scheduler.handle(.hostLost(host: host)))
        actions += checkNoHosts(lostReason: "host \(host) lost: \(reason)")
        checkIneligible(lostReason: "host \(host) lost: \(reason)")
        checkDone()
        return actions
    }

    /// With no live host left, nothing pending can ever run: end it ERROR with the infra reason.
    func checkNoHosts(lostReason: String? = nil) -> [Action] {
        guard scheduler.liveHosts.isEmpty else { return [] }
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

    /// Tests no live host may run (no binary for their arch, no KVM) end CANCEL with the
    /// Planner's reason, as Avocado cancels a test without its QEMU; after a lost host, ERROR.
    func checkIneligible(lostReason: String? = nil) {
        let drained = scheduler.drainIneligible()
        guard !drained.isEmpty else { return }
        let planner = Planner(hosts: scheduler.liveHosts.compactMap { h in links[h].map { .init(name: h, ready: $0.link.capabilities) } },
                              params: config.params)
        for index in drained {
            let why = planner.eligibility(of: tests[index]).reason ?? "no host can run it"
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
            // As Avocado: stdout and stderr exist even when the test printed nothing.
            write { try directory.makeTestDirectory(states[a.test].testDir, emptyFiles: ["stdout", "stderr"]) }
            let id = taskID(a.test)
            taskIndex[id] = a.test
            let timeout = config.params["timeout"].flatMap(Double.init) ?? config.timeout
            let task = CoordinatorMessage.RunTask(
                taskID: id, kind: test.kind, name: test.baseName, uri: test.uri, args: test.runner ?? [],
                arch: test.arch, params: test.params ?? [:], env: [:], timeoutS: timeout, workdir: config.workdir,
                tags: test.tags.isEmpty ? nil : test.tags)
            return .run(host: a.host, task)
        }
    }

    private func runningIndex(_ taskID: String, on host: String) -> Int? {
        guard let index = taskIndex[taskID], scheduler.running[index] == host else {
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

    private func taskID(_ index: Int) -> String { String(index + 1) }

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
