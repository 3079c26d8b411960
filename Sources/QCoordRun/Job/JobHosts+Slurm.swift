import Foundation
import QCoordCore

/// A job's hosts from Slurm: the nodes (`sinfo --json`, or `scontrol show node -o`), chosen
/// in Core (`SlurmNodes.choose`), one allocation for the job (`salloc --no-shell`), and one
/// agent step per node (`SlurmAgentLink`). From there the job is the same as on SSH hosts: the
/// agents' `ready` facts, the plan, the book.
extension JobHosts {
    static func connectSlurm(_ request: JobRequest, slurm: SlurmJob, jobID: String, log: JobLog, console: Console) async -> JobHosts {
        let cluster = slurm.cluster
        let settings = slurm.settings
        func failed(_ reason: String) -> JobHosts {
            log.error("slurm: \(reason)")
            console.err("qcoord: slurm: \(reason)\n")
            return JobHosts(links: [], unreachable: [.init(name: "slurm", reason: reason)])
        }
        let all: [SlurmNode]
        do { all = try await cluster.nodes() } catch { return failed("cannot list the nodes: \(error)") }
        let choice = SlurmNodes.choose(all, targets: slurm.targets, partition: settings.partition, maxNodes: settings.nodes)
        log.info("slurm: \(all.count) nodes; the job asks for \(choice.nodes.count): "
                 + choice.nodes.map { "\($0.name) (\($0.qemuTargets.joined(separator: " ")))" }.joined(separator: ", "))
        for (name, reason) in choice.left { log.info("slurm: node \(name) not used: \(reason)") }
        if !choice.uncovered.isEmpty {
            let line = "slurm: no usable node has a qemu-* feature for \(choice.uncovered.joined(separator: ", "))"
            log.warning(line)
            console.err(line + "\n")
        }
        guard !choice.nodes.isEmpty else {
            return failed("no usable node" + (settings.partition.map { " in partition \($0)" } ?? "")
                          + (choice.left.isEmpty ? "" : ": " + choice.left.map { "\($0.name) \($0.reason)" }.joined(separator: "; ")))
        }
        // The test tree: read from a shared file system (`shared_tree`), else synced to each
        // node's cache through Slurm steps (SlurmTreeSync), selected and hashed once, here,
        // before anything is allocated.
        let root = request.treeRoot ?? TestTreeRoot.root(of: request.tests, workdir: request.configuration.workdir)
        var treeToSync: (root: String, manifest: TreeManifest)?
        if settings.sharedTree == nil, let root, !request.dryRun {
            switch selectTrees([root], request: request, log: log, console: console)[root]?.manifest {
            case .success(let manifest): treeToSync = (root, manifest)
            case .failure(let error): return failed("the test tree \(root) is not synced: \(error)")
            case nil: return failed("the test tree \(root) is not synced")
            }
        }
        let tree = treeToSync
        console.status?("slurm: asking for \(choice.nodes.count) nodes")
        let allocation: String
        do {
            allocation = try await cluster.allocate(nodes: choice.nodes, settings: settings, jobName: "qcoord-\(jobID.prefix(8))")
        } catch {
            console.status?(nil)
            return failed("\(error)")
        }
        console.status?(nil)
        log.info("slurm: job \(allocation) holds " + SlurmNodes.nodeList(choice.nodes)
                 + (settings.timeMinutes.map { ", time limit \($0) min" } ?? ""))

        let pathMap = settings.sharedTree.flatMap { shared in root.map { SSHAgentLink.PathMap(local: $0, remote: shared) } }
        if let root {
            log.info("slurm: the test tree \(root) is " + (settings.sharedTree.map { "\($0) on the nodes (shared_tree)" }
                                                           ?? "synced to each node's cache through Slurm steps"))
        }
        // A `scancel` of the allocation (or its time limit) is a signal to the job: the report
        // is written in full and the exit code has the interrupted bit. Asked every few seconds,
        // and at once when a node's step ends, before that counts as a lost host.
        let watch = SlurmAllocationWatch(cluster: cluster, jobID: allocation, log: log, console: console)
        await watch.startPolling(every: slurm.pollSeconds)
        var slurmHello = CoordinatorMessage.Hello(jobID: jobID, env: request.configuration.env, params: request.configuration.params)
        if request.keepTmp { slurmHello.keepTmp = true }
        let baseHello = slurmHello
        @Sendable func startOne(_ node: String) async throws -> SlurmAgentLink {
            var hello = baseHello
            hello.hostName = node
            hello.env = baseHello.env.merging(settings.env) { _, own in own }
            hello.qemuSearch = .init(python: settings.python)
            let link = try await SlurmAgentLink.start(node: node, jobID: allocation, settings: settings, hello: hello, log: log,
                                                      cluster: cluster, idleLimit: slurm.idleLimit,
                                                      beforeLost: { await watch.checkNow() })
            guard let tree else {
                link.setPathMap(pathMap)
                return link
            }
            do {
                let report = try await SlurmTreeSync.sync(tree.manifest, root: tree.root, node: node, jobID: allocation,
                                                          settings: settings, cluster: cluster)
                link.setPathMap(.init(local: tree.root, remote: report.remoteDirectory))
                log.info("host \(node): test tree \(tree.root) synced to \(report.remoteDirectory): sent \(report.bytesSent) bytes "
                         + "in \(report.filesSent) files of \(tree.manifest.entries.count)\(report.wasComplete ? ", already there" : "")")
                return link
            } catch {
                await link.shutdown(grace: .zero)
                throw RunError.hostUnreachable(host: node, reason: "host \(node): cannot sync the test tree \(tree.root): \(error)")
            }
        }

        var started: [String: SlurmAgentLink] = [:]
        var unreachable: [JobPlan.Unreachable] = []
        await withTaskGroup(of: (String, Result<SlurmAgentLink, any Error>).self) { group in
            for node in choice.nodes {
                group.addTask {
                    do { return (node.name, .success(try await startOne(node.name))) } catch { return (node.name, .failure(error)) }
                }
            }
            for await (name, result) in group {
                switch result {
                case .success(let link):
                    let caps = link.capabilities
                    log.info("host \(name): \(caps.arch), \(caps.cpus) cpus, kvm \(caps.kvm ? "yes" : "no"), "
                             + "avocado \(caps.avocado ?? "none"), qemu: \(caps.qemu.keys.sorted().joined(separator: " ")); "
                             + "slurm job \(allocation) step")
                    started[name] = link
                case .failure(let error):
                    unreachable.append(.init(name: name, reason: "\(error)"))
                    report(name, "\(error)", log: log, console: console)
                }
            }
        }
        let ready = choice.nodes.compactMap { started[$0.name] }
        unreachable.sort { $0.name < $1.name }
        let slots = HostJob.slots(wanted: ready.map { settings.slots ?? $0.capabilities.cpus }, maxTotal: slurm.maxTotal)
        let links = zip(ready, slots).map { Coordinator.HostLink(link: $0, slots: $1) }

        // A lost node is started again in the same allocation, while Slurm still has it up.
        let reconnect: Coordinator.Reconnect = { name in
            if await watch.checkNow() {
                throw RunError.hostUnreachable(host: name, reason: "slurm: job \(allocation) has ended")
            }
            if let why = await cluster.nodeUsable(name) {
                throw RunError.hostUnreachable(host: name, reason: "slurm: node \(name) is \(why)")
            }
            return try await startOne(name)
        }

        let release: @Sendable () async -> Void = {
            await watch.stop()
            await cluster.cancel(allocation)
            log.info("slurm: job \(allocation) released")
        }
        var hosts = JobHosts(links: links, unreachable: unreachable, reconnect: reconnect)
        hosts.interrupts = watch.signals
        hosts.release = release
        return hosts
    }
}
