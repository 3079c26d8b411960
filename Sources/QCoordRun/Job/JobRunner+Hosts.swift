import Foundation
import QCoordCore
import QCoordReport

extension JobRunner {
    /// The job on the request's hosts when it names any, else on the local host.
    public static func run(_ request: JobRequest, console: Console,
                           interrupts: AsyncStream<Void> = AsyncStream { $0.finish() },
                           events: JobEventSink = .none) async -> JobExitCode {
        guard let hosts = request.hosts else {
            return await runLocal(request, console: console, interrupts: interrupts, events: events)
        }
        return await runHosts(request, hosts: hosts, console: console, interrupts: interrupts, events: events)
    }

    /// Every host's agent started at once over SSH; the test tree synced to the hosts without
    /// a `workdir`; each test routed by the Planner to hosts that can run it; one report.
    static func runHosts(_ request: JobRequest, hosts: HostJob, console: Console,
                         interrupts: AsyncStream<Void>, events: JobEventSink) async -> JobExitCode {
        if hosts.dryRun { return await dryRun(request, hosts: hosts, console: console) }
        guard let job = JobStart.begin(request, console: console, events: events) else { return .jobFailed }
        let log = job.log
        log.info("job \(job.jobID): \(request.tests.count) tests on \(hosts.inventory.hosts.count) hosts: "
                 + hosts.inventory.hosts.map(\.name).joined(separator: ", "))
        let (started, unreachable) = await startLinks(request, hosts: hosts, jobID: job.jobID, log: log, console: console)

        // Each host gets the test tree, unless it has its own copy (`workdir`).
        let root = TestTreeRoot.root(of: request.tests, workdir: request.configuration.workdir)
        var ready: [(InventoryHost, SSHAgentLink)] = []
        var lost = unreachable
        var sent: [(host: String, bytes: Int, files: Int)] = []
        let manifest: Result<TreeManifest, any Error>? = root.map { r in Result { try TreeManifest.scan(root: r) } }
        await withTaskGroup(of: (InventoryHost, SSHAgentLink, String?, TreeSyncReport?).self) { group in
            for (host, link) in started {
                group.addTask {
                    let (problem, report) = await prepareTree(host, link: link, root: root, manifest: manifest, log: log)
                    return (host, link, problem, report)
                }
            }
            for await (host, link, problem, synced) in group {
                if let synced { sent.append((host.name, synced.bytesSent, synced.filesSent)) }
                if let problem {
                    lost.append(.init(name: host.name, reason: problem))
                    report(host.name, problem, log: log, console: console)
                } else {
                    ready.append((host, link))
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: hosts.inventory.hosts.enumerated().map { ($1.name, $0) })
        ready.sort { (order[$0.0.name] ?? 0) < (order[$1.0.name] ?? 0) }
        lost.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }

        let planner = Planner(hosts: ready.map { .init(name: $0.1.host, ready: $0.1.capabilities) },
                              params: request.configuration.params)
        let routing = HostRouting(tests: request.tests, planner: planner, unreachable: lost)
        for (index, verdict) in routing.verdicts.sorted(by: { $0.key < $1.key }) where request.resume?.completed[index] == nil {
            let line = "\(request.tests[index].name): \(verdict.status.rawValue) before the job starts: \(verdict.reason)"
            log.error(line)
            console.err(line + "\n")
        }
        let slots = HostJob.slots(wanted: ready.map { $0.0.slots ?? $0.1.capabilities.cpus }, maxTotal: hosts.maxTotal)
        let links = zip(ready, slots).map { Coordinator.HostLink(link: $0.0.1, slots: $0.1) }
        for l in links {
            log.info("host \(l.link.host): \(l.slots) slots")
            events.emit(.hostUp(host: l.link.host, arch: l.link.capabilities.arch, slots: l.slots, time: JobClock.epoch()))
        }
        let noHostReason = lost.isEmpty ? "no host is available"
            : "no host is available: " + lost.map { "\($0.name): \($0.reason)" }.joined(separator: "; ")
        var note: String?
        if let root, !sent.isEmpty {
            sent.sort { (order[$0.host] ?? 0) < (order[$1.host] ?? 0) }
            note = "TREE SYNC  : \(root): sent \(sent.reduce(0) { $0 + $1.bytes }) bytes ("
                + sent.map { "\($0.host) \($0.bytes) B in \($0.files) files" }.joined(separator: ", ") + ")"
        }
        // A lost host is connected again the same way: agent, `ready`, test tree.
        let hello = CoordinatorMessage.Hello(jobID: job.jobID, env: request.configuration.env,
                                             params: request.configuration.params)
        let reconnect: Coordinator.Reconnect = { name in
            guard let host = hosts.inventory.hosts.first(where: { $0.name == name }) else {
                throw RunError.agentStart(host: name, reason: "not in the inventory")
            }
            let link = try await SSHAgentLinks.startOne(host, settings: hosts.settings, hello: hello, log: log,
                                                        readyTimeout: .seconds(30))
            if let problem = await prepareTree(host, link: link, root: root, manifest: manifest, log: log).problem {
                throw RunError.agentStart(host: name, reason: problem)
            }
            return link
        }
        // The Scheduler routes by the same Planner rules from each link's `ready`; tests no
        // reachable host can run are decided here, before the job starts.
        return await execute(request, job: job, links: links, noHostReason: noHostReason,
                             verdicts: routing.verdicts, closingNote: note, console: console, interrupts: interrupts,
                             events: events, reconnect: reconnect)
    }

    /// Gives a started host the test tree: its own copy (`workdir`) or a sync; on failure the
    /// link is shut down and the problem returned.
    static func prepareTree(_ host: InventoryHost, link: SSHAgentLink, root: String?,
                            manifest: Result<TreeManifest, any Error>?, log: JobLog) async -> (problem: String?, report: TreeSyncReport?) {
        guard let root else { return (nil, nil) }
        if let workdir = host.workdir {
            link.setPathMap(.init(local: root, remote: workdir))
            log.info("host \(host.name): test tree \(root) is \(workdir) there (inventory workdir)")
            return (nil, nil)
        }
        do {
            let m = try manifest?.get() ?? TreeManifest(entries: [])
            let report = try await TreeSync.sync(m, root: root, session: link.session, python: host.python ?? "python3")
            link.setPathMap(.init(local: root, remote: report.remoteDirectory))
            log.info("host \(host.name): test tree \(root) synced to \(report.remoteDirectory): "
                     + "sent \(report.bytesSent) bytes in \(report.filesSent) files of "
                     + "\(m.entries.count) (\(m.totalBytes) bytes)\(report.wasComplete ? ", already there" : "")")
            return (nil, report)
        } catch {
            await link.shutdown(grace: .zero)
            return ("cannot sync the test tree \(root): \(error)", nil)
        }
    }

    /// Starts every host's agent in parallel; reports (job.log and stderr) each one it cannot use.
    static func startLinks(_ request: JobRequest, hosts: HostJob, jobID: String, log: JobLog,
                           console: Console) async -> ([(InventoryHost, SSHAgentLink)], [HostRouting.Unreachable]) {
        let hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env,
                                             params: request.configuration.params)
        var started: [(InventoryHost, SSHAgentLink)] = []
        var unreachable: [HostRouting.Unreachable] = []
        for (host, result) in await SSHAgentLinks.start(hosts.inventory, settings: hosts.settings, hello: hello, log: log) {
            switch result {
            case .success(let link):
                let caps = link.capabilities
                log.info("host \(host.name): \(caps.arch), \(caps.cpus) cpus, kvm \(caps.kvm ? "yes" : "no"), "
                         + "avocado \(caps.avocado ?? "none"), qemu: \(caps.qemu.keys.sorted().joined(separator: " ")); "
                         + "connect+auth \(link.connectTime), ready after \(link.readyTime)")
                started.append((host, link))
            case .failure(let error):
                unreachable.append(.init(name: host.name, reason: "\(error)"))
                report(host.name, "\(error)", log: log, console: console)
            }
        }
        return (started, unreachable)
    }

    static func report(_ host: String, _ problem: String, log: JobLog, console: Console) {
        log.error("host \(host) unreachable: \(problem)")
        console.err("qcoord: host \(host) unreachable: \(problem)\n")
    }

    /// `--dry-run`: connects to every host for its `ready` report, prints the plan, runs nothing.
    static func dryRun(_ request: JobRequest, hosts: HostJob, console: Console) async -> JobExitCode {
        let log = JobLog(path: "/dev/null")
        let (started, unreachable) = await startLinks(request, hosts: hosts, jobID: "dry-run", log: log, console: console)
        let planner = Planner(hosts: started.map { .init(name: $0.1.host, ready: $0.1.capabilities) },
                              params: request.configuration.params)
        let routing = HostRouting(tests: request.tests, planner: planner, unreachable: unreachable)
        var text = "Hosts:\n"
        for (host, link) in started {
            let caps = link.capabilities
            text += "  \(host.name): \(caps.arch), \(host.slots ?? caps.cpus) slots, qemu: "
                + (caps.qemu.isEmpty ? "none" : caps.qemu.keys.sorted().joined(separator: " ")) + "\n"
        }
        for u in unreachable { text += "  \(u.name): unreachable: \(u.reason)\n" }
        console.out(text + routing.render(tests: request.tests))
        for (_, link) in started { await link.shutdown(grace: .seconds(5)) }
        return .success
    }
}
