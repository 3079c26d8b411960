import Foundation
import QCoordCore
import QCoordReport

/// A job's hosts, connected: the local machine (the agent as a subprocess) or SSH hosts (each
/// agent over libssh, then the test tree). Either way the job sees links and their `ready`
/// facts, and one run path follows (JobRunner.run).
struct JobHosts: Sendable {
    var links: [Coordinator.HostLink]
    var unreachable: [JobPlan.Unreachable]
    /// TREE SYNC summary, printed after the results.
    var note: String?
    /// How a lost host is connected again; nil: it stays lost.
    var reconnect: Coordinator.Reconnect?

    var noHostReason: String {
        unreachable.isEmpty ? "no host is available"
            : "no host is available: " + unreachable.map { "\($0.name): \($0.reason)" }.joined(separator: "; ")
    }

    /// The plan's view of the hosts.
    var planHosts: [JobPlan.Host] { links.map { .init(name: $0.link.host, facts: $0.link.capabilities) } }

    static func connect(_ request: JobRequest, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        if let hosts = request.hosts {
            return await connectSSH(request, hosts: hosts, jobID: jobID, log: log, console: console)
        }
        return await connectLocal(request, jobID: jobID, log: log, console: console)
    }

    // MARK: the local host

    /// Where the local agent looks for `qemu-system-*` besides PATH: the working directory and
    /// the test tree with its parents, each also with its `build/` (a QEMU build dir).
    static func localSearch(_ request: JobRequest) -> CoordinatorMessage.QemuSearch {
        localSearch(request.qemuSearch, python: request.python, workdir: request.configuration.workdir,
                    treeRoot: TestTreeRoot.root(of: request.tests, workdir: request.configuration.workdir))
    }

    static func localSearch(_ base: CoordinatorMessage.QemuSearch, python: String, workdir: String,
                            treeRoot: String?) -> CoordinatorMessage.QemuSearch {
        var search = base
        if search.python == nil, python.contains("/") { search.python = python }
        var dirs = [workdir, workdir + "/build"]
        if let root = treeRoot {
            var dir = root
            while true {
                dirs += [dir, dir == "/" ? "/build" : dir + "/build"]
                guard dir != "/" else { break }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        var seen = Set(search.dirs)
        search.dirs += dirs.filter { seen.insert($0).inserted }
        return search
    }

    static func connectLocal(_ request: JobRequest, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        let hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env,
                                             params: request.configuration.params, qemuSearch: localSearch(request),
                                             hostName: "local")
        do {
            let link = try await LocalAgentLink.start(python: request.python, hello: hello, log: log)
            log.info("host \(link.host): \(link.capabilities.arch), \(link.capabilities.cpus) cpus, "
                     + "python \(request.python) (\(request.pythonSource ?? "--python")), "
                     + "avocado \(link.capabilities.avocado ?? "none"), qemu: "
                     + link.capabilities.qemu.keys.sorted().joined(separator: " "))
            return JobHosts(links: [.init(link: link, slots: max(1, request.slots))], unreachable: [])
        } catch {
            log.error("\(error)")
            console.err("qcoord: \(error)\n")
            return JobHosts(links: [], unreachable: [.init(name: "local", reason: "\(error)")])
        }
    }

    /// Why the job cannot start on these hosts, in one message; nil when it can. Every host
    /// unreachable; or tests that need Avocado (INSTRUMENTED, not yet done) while every host
    /// answered and none has it (each would only end ERROR).
    func startProblem(_ request: JobRequest) -> String? {
        if links.isEmpty {
            let count = unreachable.count
            return request.hosts == nil ? "the job did not start: the local agent did not start"
                : "the job did not start: no host could be reached (\(count) of \(count) unreachable)"
        }
        guard unreachable.isEmpty, links.allSatisfy({ $0.link.capabilities.avocado == nil }) else { return nil }
        let pending = request.tests.indices.filter { request.tests[$0].kind == .instrumented && request.resume?.completed[$0] == nil }
        guard !pending.isEmpty else { return nil }
        let what = "\(pending.count) INSTRUMENTED test\(pending.count == 1 ? "" : "s") need\(pending.count == 1 ? "s" : "") Avocado"
        if request.hosts == nil {
            let tried = request.pythonSource == LocalPython.Source.option.rawValue
                ? "'--python \(request.python)' cannot import it"
                : "no Python here has it ($VIRTUAL_ENV, the venv of 'qcoord deploy --local', python3)"
            return "the job did not start: \(what) and \(tried); install it with '\(LocalPython.installHint)' "
                + "(or give '--python' a Python that has it)"
        }
        return "the job did not start: \(what) and no host has it (" + links.map(\.link.host).joined(separator: ", ")
            + "); install it with 'qcoord deploy --inventory FILE --with-avocado \(LocalPython.defaultAvocado)' "
            + "and put the 'python:' line it prints in the inventory"
    }

    // MARK: SSH hosts

    /// Every host's agent started at once over SSH; the test tree synced to the hosts without
    /// a `workdir`.
    static func connectSSH(_ request: JobRequest, hosts: HostJob, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        let (started, unreachable) = await startLinks(request, hosts: hosts, jobID: jobID, log: log, console: console)
        // Each host gets the test tree, unless it has its own copy (`workdir`).
        let root = request.dryRun ? nil : TestTreeRoot.root(of: request.tests, workdir: request.configuration.workdir)
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
        let slots = HostJob.slots(wanted: ready.map { $0.0.slots ?? $0.1.capabilities.cpus }, maxTotal: hosts.maxTotal)
        let links = zip(ready, slots).map { Coordinator.HostLink(link: $0.0.1, slots: $0.1) }
        var note: String?
        if let root, !sent.isEmpty {
            sent.sort { (order[$0.host] ?? 0) < (order[$1.host] ?? 0) }
            note = "TREE SYNC  : \(root): sent \(sent.reduce(0) { $0 + $1.bytes }) bytes ("
                + sent.map { "\($0.host) \($0.bytes) B in \($0.files) files" }.joined(separator: ", ") + ")"
        }
        // A lost host is connected again the same way: agent, `ready`, test tree.
        let hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env, params: request.configuration.params)
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
        return JobHosts(links: links, unreachable: lost, note: note, reconnect: reconnect)
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
                           console: Console) async -> ([(InventoryHost, SSHAgentLink)], [JobPlan.Unreachable]) {
        let hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env,
                                             params: request.configuration.params)
        var started: [(InventoryHost, SSHAgentLink)] = []
        var unreachable: [JobPlan.Unreachable] = []
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
}
