import Foundation
import QCoordCore
import QCoordReport

/// The run loop of one job: feeds the job book (QCoordCore's pure state machine) what the agent
/// links report, and carries out what it decides — sends tasks, cancels, timers, and the
/// observers: result files (ResultFiles), the journal, the console and the JSON events.
///
/// An actor whose book changes are synchronous: `perform` does the I/O they decide outside them,
/// so no reentrancy can interleave a state change.
public actor Coordinator {
    public struct HostLink: Sendable {
        public var link: any AgentLink
        public var slots: Int
        public init(link: any AgentLink, slots: Int) { self.link = link; self.slots = slots }
    }

    /// Connects a lost host again (the same path as at the job's start: agent, `ready`, tree);
    /// throws when the host does not answer yet.
    public typealias Reconnect = @Sendable (_ host: String) async throws -> any AgentLink

    let tests: [TestCase]
    let plan: JobPlan
    private(set) var links: [String: HostLink]
    let hostOrder: [String]
    let recorder: JobRecorder
    let log: JobLog
    let config: RunConfiguration
    let console: Console

    private var book: JobBook
    private var files: ResultFiles
    private var results: [Int: TestResult]
    private var printedStart: Set<Int> = []
    private var timers: [Task<Void, Never>] = []
    private let done: AsyncStream<Void>.Continuation
    private let doneStream: AsyncStream<Void>
    // report: live progress and --json-events read these (see JobEventSink).
    private let events: JobEventSink
    private let reconnect: Reconnect?
    /// Sends SSH hosts each test's assets before the test (AssetStager); nil: no pushes.
    private let stager: AssetStager?
    /// Per test, the assets (content keys) the coordinator holds for it.
    private let assetKeys: [[String]]
    /// Where each host's tests find the assets, and which it holds now (grows as they are pushed).
    private var assetViews: [String: HostAssetView]
    /// Dispatches waiting for their assets to reach the host: sent once they are (or failed).
    private var awaitingAssets: [String: BookDispatch] = [:]

    /// - Parameters:
    ///   - plan: where each test may run (default: planned from the links' `ready` reports).
    ///   - noHostReason: why tests end ERROR when no host is (or is left) to run them.
    ///   - verdicts: tests that end with this status and reason without running (no reachable
    ///     host can run them; the plan lists no host for them).
    ///   - events: told when a test starts or ends and when a host is lost.
    ///   - reconnect: how to connect a lost host again; nil: a lost host stays lost.
    ///   - completed: `run --resume`: tests that have their result from the earlier run; never dispatched.
    ///   - stager: sends SSH hosts the assets of the tests dispatched there (and of the next ones
    ///     ahead); nil: the hosts hold what they hold (the local host reads the coordinator's cache).
    public init(tests: [TestCase], plan: JobPlan? = nil, links: [HostLink], directory: JobDirectory, recorder: JobRecorder,
                log: JobLog, config: RunConfiguration, console: Console,
                noHostReason: String = "no host is available",
                verdicts: [Int: JobPlan.Verdict] = [:], events: JobEventSink = .none,
                reconnect: Reconnect? = nil, completed: [Int: TestResult] = [:], stager: AssetStager? = nil) {
        let plan = plan ?? JobPlan.make(tests: tests, settings: config.planSettings,
                                        hosts: links.map { .init(name: $0.link.host, facts: $0.link.capabilities) })
        self.plan = plan
        self.tests = tests
        var byHost: [String: HostLink] = [:]
        for l in links { byHost[l.link.host] = l }
        self.links = byHost
        hostOrder = links.map(\.link.host)
        self.recorder = recorder
        self.log = log
        self.config = config
        self.console = console
        self.events = events
        self.reconnect = reconnect
        let settings = BookSettings(retries: config.retries, failfast: config.failfast,
                                    hostGiveUp: reconnect == nil ? nil : config.hostGiveUp,
                                    interruptGrace: config.interruptGrace, jobTimeout: config.jobTimeout,
                                    noHostReason: noHostReason)
        self.stager = stager
        let unavailable = config.unavailableAssets
        assetKeys = tests.map { test in
            (test.assets ?? []).compactMap { try? AssetFetchPlan.item(for: $0).get().contentKey }.filter { unavailable[$0] == nil }
        }
        assetViews = config.hostAssetViews
        book = JobBook(plan: plan, settings: settings, expected: config.timings.expected(for: tests),
                       exclusive: Scheduler.exclusiveGroups(tests, tag: config.exclusiveTag),
                       verdicts: verdicts, completed: Set(completed.keys), assets: stager == nil ? nil : assetKeys)
        files = ResultFiles(tests: tests, directory: directory, log: log)
        results = completed
        (doneStream, done) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs every test; returns the results in uid order (tests that never ran included).
    public func run() async -> [TestResult] {
        guard !tests.isEmpty else { return [] }
        let hosts = hostOrder.map { BookHost(name: $0, slots: links[$0]?.slots ?? 1) }
        if let stager {
            // What each host's store held at the start: those hosts are preferred for those tests.
            assetViews.merge(await stager.views()) { _, new in new }
            for host in hostOrder {
                if let present = assetViews[host]?.present, !present.isEmpty {
                    _ = book.handle(.assetsHeld(host: host, keys: present.sorted()))
                }
            }
        }
        await perform(book.handle(.start(hosts: hosts, now: JobClock.monotonic())))
        await withTaskGroup(of: Void.self) { group in
            for host in hostOrder {
                guard let link = links[host]?.link else { continue }
                group.addTask { await self.serve(host, first: link) }
            }
            for await _ in doneStream { break }
            group.cancelAll()
        }
        for timer in timers { timer.cancel() }
        config.resultsEnded?()
        return tests.indices.compactMap { results[$0] }
    }

    /// Why the job was interrupted (failfast, job timeout, Ctrl-C); nil when it was not.
    public var interruptionReason: String? { book.interruption }

    /// Whether a Ctrl-C reached the job (jobdata/end.json: such a job did not finish).
    public var interruptedByUser: Bool { book.interruptedByUser }

    /// SIGINT, SIGTERM, SIGHUP: the first stops dispatching and cancels running tests (they get
    /// the interrupt grace to report); the second ends them at once.
    public func signal(_ signal: BookSignal) async {
        await perform(book.handle(.signal(signal, now: JobClock.monotonic())))
    }

    /// Ctrl-C.
    public func userInterrupt() async { await signal(.interrupt) }

    /// A second signal came: the job ends without waiting for anyone.
    public var stoppedAtOnce: Bool { book.stoppedAtOnce }

    /// The links in use now (a rejoined host's new one), to shut down after the job.
    public var currentLinks: [any AgentLink] { hostOrder.compactMap { links[$0]?.link } }

    // MARK: links

    /// One host's events, link after link: when its link is lost and `reconnect` is given, the
    /// host is connected again with backoff (1, 2, 4, 8, 10, 10 … s) and rejoins with a fresh `ready`.
    private func serve(_ host: String, first: any AgentLink) async {
        var link: (any AgentLink)? = first
        while let current = link {
            for await batch in current.events {
                for event in batch {
                    let decisions = receive(event, from: host)
                    // Most events (started, output, heartbeats) act on nothing: no second hop.
                    if !decisions.isEmpty { await perform(decisions) }
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
        while !Task.isCancelled, book.wantsHosts {
            try? await Task.sleep(for: .seconds(delay))
            guard !Task.isCancelled, book.wantsHosts else { return nil }
            switch await AgentLinkConnect.unlessCancelled({ try await reconnect(host) }) {
            case .success(let link)?:
                await perform(rejoin(host, link: link))
                return link
            case .failure(let error)?:
                log.info("host \(host): not back yet (\(error)); next try in \(JobPlan.seconds(min(delay * 2, 10))) s")
            case nil:
                return nil
            }
            delay = min(delay * 2, 10)
        }
        return nil
    }

    // MARK: events in (no await below this line until `perform`)

    /// A lost host answered again: its new link takes its old one's place and its slots come back.
    /// The plan stands: tests that waited for it are sent as planned (its agent refuses, with
    /// why, one whose binary is gone).
    private func rejoin(_ host: String, link: any AgentLink) -> [BookDecision] {
        let slots = links[host]?.slots ?? 1
        links[host] = HostLink(link: link, slots: slots)
        log.info("host \(host) is back: \(link.capabilities.arch), \(slots) slots")
        events.emit(.hostUp(host: host, arch: link.capabilities.arch, slots: slots, time: JobClock.epoch()))
        return book.handle(.hostUp(host: host, slots: slots, now: JobClock.monotonic()))
    }

    private func receive(_ event: AgentEvent, from host: String) -> [BookDecision] {
        let now = JobClock.monotonic()
        guard case .message(let message) = event else {
            guard case .lost(let reason) = event, book.scheduler.liveHosts.contains(host) else { return [] }
            events.emit(.hostLost(host: host, reason: reason, time: JobClock.epoch()))
            return book.handle(.hostLost(host: host, reason: reason, now: now))
        }
        switch message {
        case .ready, .heartbeat:
            return []
        case .error(let text):
            log.error("host \(host): agent error: \(text)")
            return []
        case .started(let s):
            guard let index = current(s.taskID, host) else { return [] }
            let epoch = JobClock.epoch()
            files.started(index, epoch: epoch)
            printStarted(index)
            events.emit(.testStarted(uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: tests.count),
                                     name: tests[index].name, host: host, arch: book.placement(of: index)?.arch,
                                     qemuBin: book.placement(of: index)?.qemuBin, time: epoch))
            return book.handle(.started(taskID: s.taskID, host: host, now: now))
        case .output(let o):
            if let index = current(o.taskID, host) { files.output(index, host: host, o) }
            return []
        case .file(let f):
            if let index = current(f.taskID, host) { files.file(index, host: host, f) }
            return []
        case .finished(let f):
            return book.handle(.finished(taskID: f.taskID, host: host, status: f.status, reason: f.failReason,
                                         time: f.timeS, whiteboard: f.whiteboard, now: now))
        }
    }

    private func current(_ taskID: String, _ host: String) -> Int? {
        // A host that froze and woke up again may still report an attempt already re-run elsewhere.
        guard let index = book.current(taskID, on: host) else {
            log.error("host \(host): message for unknown or finished task \(taskID.debugDescription) ignored")
            return nil
        }
        return index
    }

    private func printStarted(_ index: Int) {
        guard printedStart.insert(index).inserted, console.showsStarted else { return }
        console.out(HumanRenderer.started(uid: index + 1, total: tests.count, name: tests[index].name))
    }

    private func record(_ outcome: BookOutcome) {
        let version = outcome.qemuBin.flatMap { bin in
            outcome.host.flatMap { links[$0]?.link.capabilities.qemu.values.first { $0.path == bin }?.version }
        }
        let result = files.result(outcome, qemuVersion: version)
        results[outcome.test] = result
        log.info("(\(outcome.test + 1)/\(tests.count)) \(tests[outcome.test].name): \(outcome.status.rawValue)"
                 + (outcome.host.map { " on \($0)" } ?? " (never started)")
                 + (outcome.ran ? " in \(String(format: "%.2f", outcome.time)) s" : "")
                 + (outcome.status == .pass ? "" : outcome.reason.map { ": " + OneLine.fold($0) } ?? ""))
        do { try recorder.record(result) } catch { log.error("\(error)") }
        if outcome.ran {
            config.resultObserver?(result)
            printStarted(outcome.test)
            console.out(HumanRenderer.finished(result, total: tests.count, style: console.style))
        }
        events.emit(.testFinished(result, time: result.actualTimeEnd))
    }

    // MARK: decisions out

    private func perform(_ decisions: [BookDecision]) async {
        for decision in decisions {
            switch decision {
            case .dispatch(let d):
                files.prepare(d)
                let test = tests[d.test]
                // job.log: one line per test start (and one per end, in `record`), as Avocado's.
                log.info("(\(d.test + 1)/\(tests.count)) \(test.name): STARTED on \(d.host)"
                         + (d.qemuBin.map { " (\(d.arch), \($0))" } ?? " (\(d.arch))") + (d.attempt > 1 ? ", attempt \(d.attempt)" : ""))
                // Decided before any await, so no other decision can come between.
                if let stager, let transport = AssetTransports.of(links[d.host]?.link),
                   let view = assetViews[d.host], assetKeys[d.test].contains(where: { !view.holds($0) }) {
                    // Its assets go to the host first; the test is sent once they are there.
                    awaitingAssets[d.taskID] = d
                    let keys = assetKeys[d.test], why = test.name
                    Task {
                        let held = await stager.ensure(keys, on: d.host, transport: transport, why: why)
                        await self.assetsArrived(d.host, held: held, for: d)
                    }
                } else {
                    await send(d)
                }
            case .prefetch(let host, let test, let keys):
                guard let stager, let transport = AssetTransports.of(links[host]?.link) else { break }
                let why = "the next test there (\(tests[test].name))"
                Task {
                    let held = await stager.ensure(keys, on: host, transport: transport, why: why)
                    await self.assetsArrived(host, held: held, for: nil)
                }
            case .cancel(let host, let taskID):
                if let d = awaitingAssets.removeValue(forKey: taskID) {
                    // Never sent: it ends now, as a test the agent stopped before it began.
                    await perform(book.handle(.finished(taskID: taskID, host: host, status: .interrupted,
                                                        reason: "Test interrupted before it started: its assets were still being pushed to \(host)",
                                                        time: 0, whiteboard: nil, now: JobClock.monotonic())))
                    log.info("host \(host): \(tests[d.test].name) cancelled while its assets were pushed")
                    continue
                }
                await links[host]?.link.cancel(taskID: taskID)
            case .startTimer(let timer, let seconds):
                timers.append(Task {
                    try? await Task.sleep(for: .seconds(seconds))
                    if Task.isCancelled { return }
                    await self.fire(timer)
                })
            case .attemptEnded(let test, let attempt):
                files.attemptEnded(test, attempt)
            case .record(let outcome):
                record(outcome)
            case .log(let text, let error):
                if error { log.error(text) } else { log.info(text) }
            case .tell(let text):
                console.err(text)
            case .finish:
                done.yield()
            }
        }
    }

    /// Sends a dispatched test to its host's agent: exactly the plan's choice there, with what
    /// the host holds of its assets.
    private func send(_ d: BookDispatch) async {
        let test = tests[d.test]
        let task = CoordinatorMessage.RunTask(
            // FUNCTIONAL: the one unittest id the agent runs (its name carries `;arch=T`).
            taskID: d.taskID, kind: test.kind, name: test.kind == .functional ? test.name : test.baseName, uri: test.uri,
            args: test.functional.map { [$0.unittestID] } ?? test.runner ?? [],
            arch: d.qemuBin == nil ? nil : d.arch, qemuBin: d.qemuBin, params: plan.tasks[d.test].params,
            env: AssetEnvironment.functional(test, host: d.host, views: assetViews, unavailable: config.unavailableAssets),
            timeoutS: d.timeout, workdir: config.workdir, tags: test.tags.isEmpty ? nil : test.tags,
            assets: AssetEnvironment.avocado(test, host: d.host, views: assetViews, unavailable: config.unavailableAssets))
        await links[d.host]?.link.run(task)
    }

    /// Assets reached `host` (`held`: the asked-for ones it holds now); the dispatch that waited
    /// for them (if any, and still current) is sent.
    private func assetsArrived(_ host: String, held: [String], for dispatch: BookDispatch?) async {
        if !held.isEmpty {
            assetViews[host]?.present?.formUnion(held)
            _ = book.handle(.assetsHeld(host: host, keys: held))
        }
        guard let d = dispatch, awaitingAssets.removeValue(forKey: d.taskID) != nil,
              book.current(d.taskID, on: d.host) != nil else { return }
        await send(d)
    }

    private func fire(_ timer: BookTimer) async {
        await perform(book.handle(.timerFired(timer, now: JobClock.monotonic())))
    }
}
