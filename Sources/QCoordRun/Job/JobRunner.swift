import Foundation
import QCoordCore
import QCoordReport

/// Runs a job on the local host through the local agent and writes its report.
public enum JobRunner {
    /// The whole job: job directory, agent, coordinator, report, human output. Returns Avocado's exit bits.
    /// - Parameters:
    ///   - interrupts: one element per Ctrl-C.
    ///   - events: told of the job's start and end, hosts, and every test (live progress, --json-events).
    public static func runLocal(_ request: JobRequest, console: Console,
                                interrupts: AsyncStream<Void> = AsyncStream { $0.finish() },
                                events: JobEventSink = .none) async -> JobExitCode {
        guard let job = JobStart.begin(request, console: console, events: events) else { return .jobFailed }
        let log = job.log
        log.info("job \(job.jobID): \(request.tests.count) tests, \(request.slots) local slots")

        var search = request.qemuSearch
        if search.python == nil, request.python.contains("/") { search.python = request.python }
        let hello = CoordinatorMessage.Hello(jobID: job.jobID, env: request.configuration.env,
                                             params: request.configuration.params, qemuSearch: search)
        var links: [Coordinator.HostLink] = []
        var noHostReason = "no host is available"
        do {
            let link = try await LocalAgentLink.start(python: request.python, hello: hello, log: log)
            log.info("host \(link.host): \(link.capabilities.arch), \(link.capabilities.cpus) cpus, "
                     + "avocado \(link.capabilities.avocado ?? "none"), qemu: "
                     + link.capabilities.qemu.keys.sorted().joined(separator: " "))
            links.append(.init(link: link, slots: max(1, request.slots)))
            events.emit(.hostUp(host: link.host, arch: link.capabilities.arch, slots: max(1, request.slots), time: JobClock.epoch()))
        } catch {
            noHostReason = "\(error)"
            log.error(noHostReason)
            console.err("qcoord: \(noHostReason)\n")
        }

        return await execute(request, job: job, links: links, noHostReason: noHostReason, console: console,
                             interrupts: interrupts, events: events)
    }

    /// Runs the tests on `links` and writes the report; shuts the links down.
    static func execute(_ request: JobRequest, job: JobStart, links: [Coordinator.HostLink], noHostReason: String,
                        verdicts: [Int: HostRouting.Verdict] = [:], closingNote: String? = nil,
                        console: Console, interrupts: AsyncStream<Void>, events: JobEventSink,
                        reconnect: Coordinator.Reconnect? = nil) async -> JobExitCode {
        let (directory, log, recorder, jobID) = (job.directory, job.log, job.recorder, job.jobID)
        let coordinator = Coordinator(tests: request.tests, links: links, directory: directory, recorder: recorder,
                                      log: log, config: request.configuration, console: console,
                                      noHostReason: noHostReason, verdicts: verdicts, events: events, reconnect: reconnect,
                                      completed: request.resume?.completed ?? [:])
        let interruptWatcher = Task {
            for await _ in interrupts { await coordinator.userInterrupt() }
        }
        let results = await coordinator.run()
        interruptWatcher.cancel()
        let interruption = await coordinator.interruptionReason
        for l in links { await l.link.shutdown(grace: .seconds(5)) }
        // Hosts that were lost and came back have new links.
        let originals = Set(links.map { ObjectIdentifier($0.link as AnyObject) })
        for link in await coordinator.currentLinks where !originals.contains(ObjectIdentifier(link as AnyObject)) {
            await link.shutdown(grace: .seconds(5))
        }

        let endDate = Date()
        let summary = JobSummary(
            jobID: jobID, jobDir: directory.path, jobName: directory.name,
            start: JobDirectory.startText(job.startDate), timestamp: JobDirectory.isoText(endDate),
            jobTime: JobClock.monotonic() - job.startMono, tests: results, interruption: interruption,
            hosts: links.map { JobHost(name: $0.link.host, arch: $0.link.capabilities.arch, slots: $0.slots) },
            startEpoch: job.startDate.timeIntervalSince1970)
        var logs: [Int: String] = [:]
        for t in results where !t.status.isFine {
            if let data = FileManager.default.contents(atPath: t.logfile) {
                logs[t.uid] = String(decoding: data.prefix(ResultsXMLRenderer.systemOutLimit * 4), as: UTF8.self)
            }
        }
        var code = summary.exitCode
        do {
            try directory.writeReport(summary, logs: logs, json: request.jsonPath, xunit: request.xunitPath, tap: request.tapPath)
        } catch {
            console.err("qcoord: \(error)\n")
            code.insert(.internalError)
        }
        log.info("results: \(summary.counts.resultsLine)")
        events.emit(.jobFinished(counts: summary.counts, jobTime: summary.jobTime, interruption: interruption, time: JobClock.epoch()))
        console.out(HumanRenderer.footer(summary, htmlPath: directory.path + "/results.html"))
        if let closingNote {
            log.info(closingNote)
            console.out(closingNote + "\n")
        }
        let tail = HumanRenderer.stderrSummary(summary)
        if !tail.isEmpty { console.err(tail) }
        return code
    }

    /// 40 random hex characters, like Avocado's job ids.
    static func newJobID() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<5).map { _ in
            let hex = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined().prefix(40).description
    }
}
