import Foundation
import QCoordCore
import QCoordReport

/// Runs a job: its hosts (the local machine or SSH hosts, JobHosts), its plan, the run, the report.
public enum JobRunner {
    /// The whole job: job directory, hosts, plan (written to jobdata/plan.json), coordinator,
    /// report, human output. Returns Avocado's exit bits. One path for every kind of host.
    /// - Parameters:
    ///   - interrupts: one element per SIGINT, SIGTERM or SIGHUP.
    ///   - events: told of the job's start and end, hosts, and every test (live progress, --json-events).
    public static func run(_ request: JobRequest, console: Console,
                           interrupts: AsyncStream<BookSignal> = AsyncStream { $0.finish() },
                           events: JobEventSink = .none) async -> JobExitCode {
        var request = request
        if let slurm = request.slurm {
            request.configuration.jobTimeout = SlurmJob.jobTimeout(given: request.configuration.jobTimeout,
                                                                   timeMinutes: slurm.settings.timeMinutes)
        }
        if request.dryRun { return await dryRun(request, console: console) }
        guard let job = JobStart.begin(request, console: console, events: events) else { return .jobFailed }
        let log = job.log
        if request.slurm != nil {
            log.info("job \(job.jobID): \(request.tests.count) tests on Slurm nodes")
        } else if let hosts = request.hosts {
            log.info("job \(job.jobID): \(request.tests.count) tests on \(hosts.inventory.hosts.count) hosts: "
                     + hosts.inventory.hosts.map(\.name).joined(separator: ", "))
        } else {
            log.info("job \(job.jobID): \(request.tests.count) tests, \(request.slots) local slots")
        }
        for error in request.resolutionErrors { log.error(ResolutionCheck.line(error)) }
        let hosts = await JobHosts.connect(request, jobID: job.jobID, log: log, console: console)
        if request.sysinfo {
            for l in hosts.links {
                do { try job.directory.writeSysinfo(host: l.link.host, facts: l.link.capabilities) } catch {
                    log.error("sysinfo of host \(l.link.host): \(error)")
                }
            }
        }
        if request.resume == nil {
            if let note = keepRunnableFunctional(&request, hosts: hosts.planHosts) {
                log.info(note)
                console.err(note + "\n")
                if let record = request.record {
                    do {
                        try job.directory.writeText(JobRecord.file, String(decoding: try record.encoded(), as: UTF8.self))
                    } catch {
                        log.error("cannot write \(JobRecord.file): \(error)")
                    }
                }
            }
            events.emit(.jobStarted(jobID: job.jobID, jobDir: job.directory.path, total: request.tests.count,
                                    time: job.startDate.timeIntervalSince1970))
        }
        let heldAssets = await JobAssets.prepare(&request, localHost: request.hosts == nil && request.slurm == nil ? hosts.links.first?.link.host : nil,
                                                 log: log, console: console)
        if let problem = hosts.startProblem(request) {
            // One message, exit 2: not one ERROR per test (the hosts' own reasons came first, one line each).
            log.error(problem)
            console.err("qcoord: \(problem)\n")
            for l in hosts.links { await l.link.shutdown(grace: .seconds(5)) }
            await hosts.release?()
            return .jobFailed
        }
        let plan = JobPlan.make(tests: request.tests, settings: request.configuration.planSettings, hosts: hosts.planHosts)
        do {
            try job.directory.writeText("jobdata/plan.json", try planJSON(plan))
        } catch {
            log.error("cannot write jobdata/plan.json: \(error)")
        }
        let verdicts = plan.verdicts(unreachable: hosts.unreachable)
        for (index, verdict) in verdicts.sorted(by: { $0.key < $1.key }) where request.resume?.completed[index] == nil {
            let line = "\(request.tests[index].name): \(verdict.status.rawValue) before the job starts: \(verdict.reason)"
            log.error(line)
            console.err(line + "\n")
        }
        let stager = await JobAssets.stage(&request, plan: plan, links: hosts.links, held: heldAssets, log: log, console: console)
        for l in hosts.links {
            log.info("host \(l.link.host): \(l.slots) slots")
            events.emit(.hostUp(host: l.link.host, arch: l.link.capabilities.arch, slots: l.slots, time: JobClock.epoch()))
        }
        // --keep-tmp: where each host's scratch dir stays, in job.log now and on the console at the end.
        let kept = request.keepTmp ? keptScratchNote(hosts.links.map { ($0.link.host, $0.link.capabilities.scratch) }) : nil
        if request.keepTmp {
            for l in hosts.links { log.info("host \(l.link.host): scratch dir \(l.link.capabilities.scratch ?? "(not said)") is kept (--keep-tmp)") }
        }
        let closing = [hosts.note, kept].compactMap { $0 }.joined(separator: "\n")
        let code = await execute(request, job: job, plan: plan, links: hosts.links, noHostReason: hosts.noHostReason,
                                 verdicts: verdicts, closingNote: closing.isEmpty ? nil : closing, console: console, interrupts: interrupts,
                                 events: events, reconnect: hosts.reconnect, stager: stager, poolInterrupts: hosts.interrupts)
        await hosts.release?()
        return code
    }

    /// Without `--arch`, a FUNCTIONAL test runs for the meson targets some host has a
    /// qemu-system binary for (as `make check-functional` runs the configured targets): the
    /// other copies leave the job (and its record) before it starts. Returns the line that says
    /// so, nil when nothing was left out.
    static func keepRunnableFunctional(_ request: inout JobRequest, hosts: [JobPlan.Host]) -> String? {
        guard request.functionalTargetsFromHosts else { return nil }
        let targets = Set(hosts.flatMap { $0.facts.qemu.keys })
        let (kept, dropped) = FunctionalMatrix.keepRunnable(request.tests, hostTargets: targets)
        guard !dropped.isEmpty else { return nil }
        request.tests = kept
        request.record?.tests = kept
        let list = dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "functional tests of targets no host has a qemu-system binary for are left out (give --arch to plan them): \(list)"
    }

    /// The plan as JSON (docs/plan.schema.json): `--plan-json` and `jobdata/plan.json`.
    public static func planJSON(_ plan: JobPlan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan.document), as: UTF8.self) + "\n"
    }

    /// `--dry-run`: connects to every host for its `ready` report, prints the plan (and writes
    /// `--plan-json`), runs nothing.
    static func dryRun(_ request: JobRequest, console: Console) async -> JobExitCode {
        var request = request
        let log = JobLog(path: "/dev/null")
        let hosts = await JobHosts.connect(request, jobID: "dry-run", log: log, console: console)
        if let note = keepRunnableFunctional(&request, hosts: hosts.planHosts) { console.err(note + "\n") }
        let plan = JobPlan.make(tests: request.tests, settings: request.configuration.planSettings, hosts: hosts.planHosts)
        var text = "Hosts:\n"
        for l in hosts.links {
            let caps = l.link.capabilities
            let python = request.hosts == nil && request.slurm == nil ? "\(request.python) (\(request.pythonSource ?? "--python")), Python \(caps.python)"
                : "Python \(caps.python)"
            text += "  \(l.link.host): \(caps.arch), \(caps.cpus) cpus, kvm \(caps.kvm ? "yes" : "no"), \(python), "
                + "avocado \(caps.avocado ?? "none"), \(l.slots) slots, qemu: "
                + (caps.qemu.isEmpty ? "none" : caps.qemu.keys.sorted().joined(separator: " ")) + "\n"
        }
        for u in hosts.unreachable { text += "  \(u.name): unreachable: \(u.reason)\n" }
        for line in hosts.treeLines { text += line + "\n" }
        if let line = JobAssets.dryRunLine(request) { text += line + "\n" }
        for line in await JobAssets.dryRunPushLines(request, plan: plan, links: hosts.links) { text += line + "\n" }
        console.out(text + plan.render(unreachable: hosts.unreachable))
        var code = JobExitCode.success
        if let problem = hosts.startProblem(request) {
            console.err("qcoord: \(problem)\n")
            code = .jobFailed
        }
        if let path = request.planJSONPath {
            do {
                try planJSON(plan).write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                console.err("qcoord: cannot write \(path): \(error)\n")
                code = .jobFailed
            }
        }
        for l in hosts.links { await l.link.shutdown(grace: .seconds(5)) }
        await hosts.release?()
        return code
    }

    /// Runs the tests on `links` and writes the report; shuts the links down.
    static func execute(_ request: JobRequest, job: JobStart, plan: JobPlan, links: [Coordinator.HostLink], noHostReason: String,
                        verdicts: [Int: JobPlan.Verdict] = [:], closingNote: String? = nil,
                        console: Console, interrupts: AsyncStream<BookSignal>, events: JobEventSink,
                        reconnect: Coordinator.Reconnect? = nil, stager: AssetStager? = nil,
                        poolInterrupts: AsyncStream<BookSignal>? = nil) async -> JobExitCode {
        var request = request
        let (directory, log, recorder, jobID) = (job.directory, job.log, job.recorder, job.jobID)
        let coordinator = Coordinator(tests: request.tests, plan: plan, links: links, directory: directory, recorder: recorder,
                                      log: log, config: request.configuration, console: console,
                                      noHostReason: noHostReason, verdicts: verdicts, events: events, reconnect: reconnect,
                                      completed: request.resume?.completed ?? [:], stager: stager)
        let interruptWatcher = Task {
            for await signal in interrupts { await coordinator.signal(signal) }
        }
        let poolWatcher = poolInterrupts.map { stream in
            Task { for await signal in stream { await coordinator.signal(signal) } }
        }
        let results = await coordinator.run()
        interruptWatcher.cancel()
        poolWatcher?.cancel()
        let interruption = await coordinator.interruptionReason
        // Every agent at once (hosts that were lost and came back have new links); after a
        // second signal with no grace: each agent then kills its tests' process groups.
        let grace: Duration = await coordinator.stoppedAtOnce ? .zero : .seconds(5)
        var all = links.map(\.link)
        let originals = Set(links.map { ObjectIdentifier($0.link as AnyObject) })
        all += await coordinator.currentLinks.filter { !originals.contains(ObjectIdentifier($0 as AnyObject)) }
        await withTaskGroup(of: Void.self) { group in
            for link in all { group.addTask { await link.shutdown(grace: grace) } }
        }

        if let stager {
            await JobAssets.finish(stager, configuration: &request.configuration, hosts: links.map(\.link.host), log: log, console: console)
        }
        let endDate = Date()
        var summary = JobSummary(
            jobID: jobID, jobDir: directory.path, jobName: directory.name,
            start: JobDirectory.startText(job.startDate), timestamp: JobDirectory.isoText(endDate),
            jobTime: JobClock.monotonic() - job.startMono, tests: results, interruption: interruption,
            hosts: links.map { JobHost(name: $0.link.host, arch: $0.link.capabilities.arch, slots: $0.slots,
                                       assets: request.configuration.assetTraffic[$0.link.host]) },
            startEpoch: job.startDate.timeIntervalSince1970)
        summary.resolutionErrors = request.resolutionErrors
        var logs: [Int: String] = [:]
        for t in results where !t.status.isFine {
            if let data = FileManager.default.contents(atPath: t.logfile) {
                logs[t.uid] = String(decoding: data.prefix(ResultsXMLRenderer.systemOutLimit * 4), as: UTF8.self)
            }
        }
        var code = summary.exitCode
        if request.resolutionErrorsFailJob { code.insert(.jobFailed) }
        do {
            try directory.writeReport(summary, logs: logs, json: request.jsonPath, xunit: request.xunitPath, tap: request.tapPath,
                                      stdout: { FileHandle.standardOutput.write(Data($0.utf8)) })
        } catch {
            console.err("qcoord: \(error)\n")
            code.insert(.internalError)
        }
        // The end marker, after the report: without it the job did not finish (qcoord merge).
        let end = JobEnd(jobID: jobID, tests: results.count, interruption: interruption,
                         interruptedByUser: await coordinator.interruptedByUser, exitCode: code)
        do { try end.write(jobDir: directory.path, mode: directory.modes.file) } catch { log.error("\(error)") }
        log.info("results: \(summary.counts.resultsLine)")
        events.emit(.jobFinished(counts: summary.counts, jobTime: summary.jobTime, interruption: interruption, time: JobClock.epoch()))
        console.out(HumanRenderer.footer(summary, htmlPath: directory.path + "/results.html", style: console.style))
        if let closingNote {
            log.info(closingNote)
            console.out(closingNote + "\n")
        }
        let tail = HumanRenderer.stderrSummary(summary, style: console.errStyle)
        if !tail.isEmpty { console.err(tail) }
        if !request.resolutionErrors.isEmpty {
            let n = request.resolutionErrors.count
            let line = "\(n) \(n == 1 ? "file" : "files") could not be read or parsed: \(n == 1 ? "its" : "their") tests are not in this job"
                + (request.resolutionErrorsFailJob ? " (the job fails; --ignore-missing-references to accept)" : "")
            log.error(line)
            console.err(line + "\n")
        }
        return code
    }

    /// `--keep-tmp`'s lines: `KEPT TMP   : HOST:DIR` per host, in the human output's style (a
    /// host whose agent did not say — an older agent — is named as such). nil without hosts.
    static func keptScratchNote(_ dirs: [(host: String, scratch: String?)]) -> String? {
        guard !dirs.isEmpty else { return nil }
        return dirs.map { "KEPT TMP   : \($0.host):" + ($0.scratch ?? "(its agent did not say where)") }.joined(separator: "\n")
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
