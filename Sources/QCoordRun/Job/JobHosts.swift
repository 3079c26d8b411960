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
    /// `--dry-run`: the test tree and what each host would be sent.
    var treeLines: [String] = []
    /// Signals from the host pool itself (a Slurm allocation cancelled or out of time).
    var interrupts: AsyncStream<BookSignal>?
    /// Gives the pool back at the job's end (the Slurm allocation); nil: nothing to give back.
    var release: (@Sendable () async -> Void)?

    var noHostReason: String {
        unreachable.isEmpty ? "no host is available"
            : "no host is available: " + unreachable.map { "\($0.name): \($0.reason)" }.joined(separator: "; ")
    }

    /// The plan's view of the hosts.
    var planHosts: [JobPlan.Host] { links.map { .init(name: $0.link.host, facts: $0.link.capabilities) } }

    static func connect(_ request: JobRequest, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        if let slurm = request.slurm {
            return await connectSlurm(request, slurm: slurm, jobID: jobID, log: log, console: console)
        }
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
        var hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env,
                                             params: request.configuration.params, qemuSearch: localSearch(request),
                                             hostName: "local")
        if request.keepTmp { hello.keepTmp = true }
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
            if request.slurm != nil { return "the job did not start: no Slurm node could be used" }
            return request.hosts == nil ? "the job did not start: the local agent did not start"
                : "the job did not start: no host could be reached (\(count) of \(count) unreachable)"
        }
        guard unreachable.isEmpty, links.allSatisfy({ $0.link.capabilities.avocado == nil }) else { return nil }
        let pending = request.tests.indices.filter { request.tests[$0].kind == .instrumented && request.resume?.completed[$0] == nil }
        guard !pending.isEmpty else { return nil }
        let what = "\(pending.count) INSTRUMENTED test\(pending.count == 1 ? "" : "s") need\(pending.count == 1 ? "s" : "") Avocado"
        if request.hosts == nil && request.slurm == nil {
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
    /// a `workdir` (with `--dry-run`: only what each would be sent, in `treeLines`).
    static func connectSSH(_ request: JobRequest, hosts: HostJob, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        let (started, unreachable) = await startLinks(request, hosts: hosts, jobID: jobID, log: log, console: console)
        // Each host gets its test tree, unless it has its own copy (`workdir`).
        let roots = Dictionary(uniqueKeysWithValues: hosts.inventory.hosts.map { ($0.name, treeRoot(for: $0, request)) })
        let trees = selectTrees(hosts.inventory.hosts.filter { $0.workdir == nil }.compactMap { roots[$0.name] ?? nil },
                                request: request, log: log, console: console)
        var ready: [(InventoryHost, SSHAgentLink)] = []
        var lost = unreachable
        var sent: [(host: String, bytes: Int, files: Int, cached: Bool)] = []
        var dryLines: [String: String] = [:]
        let progress = SyncProgress(console: console)
        let startTime = ContinuousClock.now
        await withTaskGroup(of: (InventoryHost, SSHAgentLink, String?, TreeSyncReport?, String?).self) { group in
            for (host, link) in started {
                let root = roots[host.name] ?? nil
                group.addTask {
                    if request.dryRun {
                        return (host, link, nil, nil, await dryRunTree(host, link: link, root: root, trees: trees))
                    }
                    let (problem, report) = await prepareTree(host, link: link, root: root, trees: trees, log: log,
                                                              progress: progress)
                    return (host, link, problem, report, nil)
                }
            }
            for await (host, link, problem, synced, dryLine) in group {
                if let synced { sent.append((host.name, synced.bytesSent, synced.filesSent, synced.wasComplete)) }
                if let dryLine { dryLines[host.name] = dryLine }
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
        if !sent.isEmpty {
            sent.sort { (order[$0.host] ?? 0) < (order[$1.host] ?? 0) }
            let shown = Set(sent.map(\.host))
            let treeNames = Set(hosts.inventory.hosts.filter { shown.contains($0.name) }.compactMap { roots[$0.name] ?? nil })
            note = "TREE SYNC  : \(treeNames.sorted().joined(separator: ", ")): sent \(sent.reduce(0) { $0 + $1.bytes }) bytes ("
                + sent.map { "\($0.host) \($0.bytes) B in \($0.files) files" }.joined(separator: ", ") + ")"
            let elapsed = ContinuousClock.now - startTime
            let summary = "tree sync: " + sent.map { s in
                s.cached ? "\(s.host) already there" : "\(s.host) \(s.files) files \(ByteSize.format(s.bytes))"
            }.joined(separator: ", ") + " in " + String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            progress.finish()
            log.info(summary)
            console.err(summary + "\n")
        } else {
            progress.finish()
        }
        let treeLines = request.dryRun ? dryRunText(hosts.inventory.hosts, roots: roots, trees: trees, lines: dryLines) : []
        // A lost host is connected again the same way: agent, `ready`, test tree.
        var reconnectHello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env, params: request.configuration.params)
        if request.keepTmp { reconnectHello.keepTmp = true }
        let hello = reconnectHello
        let reconnect: Coordinator.Reconnect = { name in
            guard let host = hosts.inventory.hosts.first(where: { $0.name == name }) else {
                throw RunError.agentStart(host: name, reason: "not in the inventory")
            }
            let link = try await SSHAgentLinks.startOne(host, settings: hosts.settings, hello: hello, log: log,
                                                        readyTimeout: .seconds(30))
            if let problem = await prepareTree(host, link: link, root: roots[name] ?? nil, trees: trees, log: log).problem {
                throw RunError.agentStart(host: name, reason: problem)
            }
            if hello.keepTmp == true {
                log.info("host \(name): scratch dir \(link.capabilities.scratch ?? "(not said)") is kept (--keep-tmp)")
            }
            return link
        }
        return JobHosts(links: links, unreachable: lost, note: note, reconnect: reconnect, treeLines: treeLines)
    }

    /// The local directory that stands for the test tree on `host`: its `tree:`, else
    /// `--tree`, else the deepest directory holding every local test file (nil: none).
    static func treeRoot(for host: InventoryHost, _ request: JobRequest) -> String? {
        let workdir = request.configuration.workdir
        if let given = host.tree ?? request.treeRoot {
            return TestTreeRoot.absolute(given, workdir: workdir)
        }
        return TestTreeRoot.root(of: request.tests, workdir: workdir)
    }

    /// One tree to sync: what goes and what is left out, or why it cannot be synced.
    struct Tree: Sendable {
        var selection: TreeSelection?
        var manifest: Result<TreeManifest, TreeSyncError>
    }

    /// Selects and hashes each tree once, and says what is left out: one line per secret and
    /// each refusal, on stderr and in job.log.
    static func selectTrees(_ roots: [String], request: JobRequest, log: JobLog, console: Console) -> [String: Tree] {
        var trees: [String: Tree] = [:]
        for root in Set(roots).sorted() {
            console.status?("tree sync: reading \(root)")
            do {
                // The automatic tree of a job with QEMU tests/functional: only its parts (TestTreeRoot.tree).
                let auto = TestTreeRoot.tree(of: request.tests, workdir: request.configuration.workdir)
                let selection = try TreeSelection.select(root: root, within: auto?.root == root ? auto?.within : nil)
                log.info("test tree \(root): \(selection.files.count) files, \(selection.totalBytes) bytes "
                         + "(\(selection.fromGit ? "git's tracked and untracked, not ignored" : "not in git: built-in rules")"
                         + "\(FileManager.default.fileExists(atPath: root + "/.qcoordignore") ? " + .qcoordignore" : ""))")
                for secret in selection.secrets {
                    log.warning(secret.line)
                    console.err(secret.line + "\n")
                }
                let manifest: Result<TreeManifest, TreeSyncError>
                do {
                    manifest = .success(try TreeManifest.build(selection, maxBytes: request.maxSyncBytes))
                } catch {
                    manifest = .failure(error as? TreeSyncError ?? TreeSyncError("\(error)"))
                }
                trees[root] = Tree(selection: selection, manifest: manifest)
            } catch {
                trees[root] = Tree(selection: nil, manifest: .failure(error as? TreeSyncError ?? TreeSyncError("\(error)")))
            }
            if case .failure(let error) = trees[root]?.manifest {
                log.error("qcoord: \(error)")
                console.err("qcoord: \(error)\n")
            }
        }
        console.status?(nil)
        return trees
    }

    /// `--dry-run`: what `host` would be sent, asked of its cache without sending anything.
    static func dryRunTree(_ host: InventoryHost, link: SSHAgentLink, root: String?, trees: [String: Tree]) async -> String? {
        guard let root else { return nil }
        if let workdir = host.workdir { return "\(host.name): uses its workdir \(workdir), nothing sent" }
        guard let manifest = try? trees[root]?.manifest.get() else { return "\(host.name): nothing sent (the tree is refused)" }
        do {
            let missing = try await TreeSync.missing(manifest, session: link.session)
            return "\(host.name): would send \(missing.files) files, \(missing.bytes) bytes"
                + (missing.complete ? " (the tree is there)" : missing.files == 0 ? " (every file is in its cache)" : "")
        } catch {
            return "\(host.name): cannot ask its cache: \(error)"
        }
    }

    /// The `Test tree:` part of `--dry-run`'s output.
    static func dryRunText(_ hosts: [InventoryHost], roots: [String: String?], trees: [String: Tree], lines: [String: String]) -> [String] {
        var text: [String] = []
        let used = Set(hosts.compactMap { roots[$0.name] ?? nil })
        for root in used.sorted() {
            if let tree = trees[root], let selection = tree.selection {
                text.append("Test tree: \(root) (\(selection.fromGit ? "git" : "not git"): \(selection.files.count) files, "
                            + "\(selection.totalBytes) bytes)")
                for secret in selection.secrets { text.append("  " + secret.line) }
                if case .failure(let error) = tree.manifest { text.append("  refused: \(error)") }
            } else if let tree = trees[root], case .failure(let error) = tree.manifest {
                text.append("Test tree: \(root): \(error)")
            } else {
                text.append("Test tree: \(root)")
            }
            for host in hosts where (roots[host.name] ?? nil) == root {
                if let line = lines[host.name] { text.append("  " + line) }
            }
        }
        return text
    }

    /// Gives a started host the test tree: its own copy (`workdir`) or a sync; on failure the
    /// link is shut down and the problem returned.
    static func prepareTree(_ host: InventoryHost, link: SSHAgentLink, root: String?, trees: [String: Tree], log: JobLog,
                            progress: SyncProgress? = nil) async -> (problem: String?, report: TreeSyncReport?) {
        guard let root else { return (nil, nil) }
        if let workdir = host.workdir {
            link.setPathMap(.init(local: root, remote: workdir))
            log.info("host \(host.name): test tree \(root) is \(workdir) there (inventory workdir)")
            return (nil, nil)
        }
        do {
            guard let tree = trees[root] else { throw TreeSyncError("no manifest for \(root)") }
            let m: TreeManifest
            do { m = try tree.manifest.get() } catch {
                await link.shutdown(grace: .zero)
                return ("the test tree \(root) is not synced (see above)", nil)
            }
            let name = host.name
            var onProgress: (@Sendable ((files: Int, bytes: Int), (files: Int, bytes: Int)) -> Void)?
            if let progress {
                onProgress = { sent, total in progress.update(name, sent: sent, of: total) }
            }
            let report = try await TreeSync.sync(m, root: root, session: link.session, python: host.python ?? "python3",
                                                 progress: onProgress)
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
        var hello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env,
                                             params: request.configuration.params)
        if request.keepTmp { hello.keepTmp = true }
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
