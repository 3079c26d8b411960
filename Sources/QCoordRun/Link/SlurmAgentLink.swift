import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// The agent on a Slurm node, run as a job step of the job's allocation:
/// `srun --jobid=J --nodelist=NODE -N1 -n1 --overlap -u PYTHON -u -c BOOT`. `srun` forwards
/// the step's stdin and stdout, so protocol v1 travels over them as over the local agent's
/// pipes (the process side is `LocalAgentLink`'s, shared, not copied): no open port, no daemon.
/// BOOT reads the embedded agent from stdin (a length line, then the file) and runs it, so a
/// node needs nothing of qcoord on disk — the same agent file as over SSH.
public final class SlurmAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: `pathMap` is guarded by `lock`; the rest is immutable.
    public let host: String
    /// The Slurm job whose step this is.
    public let jobID: String
    private let process: LocalAgentLink
    private let lock = NSLock()
    private var pathMap: SSHAgentLink.PathMap?

    public var capabilities: HostCapabilities { process.capabilities }
    public let events: AsyncStream<[AgentEvent]>
    private let forwarder: Task<Void, Never>

    /// Reads `<length>\n<agent source>` from stdin and runs it as `__main__`; the agent then reads
    /// the protocol from the same buffered stdin.
    static let bootstrap = "import sys;b=sys.stdin.buffer;n=int(b.readline());s=b.read(n);"
        + "g={'__name__':'__main__','__file__':'qcoord_agent.py'};exec(compile(s,'qcoord_agent.py','exec'),g)"

    /// The `srun` words of a node's agent step (without the program).
    public static func srunArguments(jobID: String, node: String, settings: SlurmSettings) -> [String] {
        ["--jobid=\(jobID)", "--nodelist=\(node)", "--nodes=1", "--ntasks=1", "--overlap", "--unbuffered",
         "--quiet", "--job-name=qcoord-agent"] + settings.srunArgs
    }

    /// Starts the agent step on `node`, sends `hello` and waits for `ready`.
    /// - Parameter beforeLost: awaited before the step's end reaches the job: it may first tell
    ///   the job that the whole allocation ended (a `scancel` is a signal, not a lost host).
    public static func start(node: String, jobID: String, settings: SlurmSettings, hello: CoordinatorMessage.Hello,
                             log: JobLog, srun: String = "srun", readyTimeout: Duration = .seconds(120),
                             idleLimit: Double = 30, agentSource: String = AgentBundle.source,
                             beforeLost: (@Sendable () async -> Void)? = nil) async throws -> SlurmAgentLink {
        let python = settings.python ?? "python3"
        let arguments = [srun] + srunArguments(jobID: jobID, node: node, settings: settings)
            + [python, "-u", "-c", bootstrap]
        let source = Array(agentSource.utf8)
        log.info("host \(node): " + arguments.map(SSHAgentLink.shellQuote).joined(separator: " "))
        do {
            let process = try await LocalAgentLink.launch(
                host: node, executable: "/usr/bin/env", arguments: arguments, preamble: Array("\(source.count)\n".utf8) + source,
                hello: hello, log: log, readyTimeout: readyTimeout, idleLimit: idleLimit,
                cannotRun: "cannot run \(srun)",
                endedReason: "the agent's job step ended before it was ready (see job.log for srun's and the agent's stderr)")
            return SlurmAgentLink(host: node, jobID: jobID, process: process, beforeLost: beforeLost)
        } catch RunError.agentStart(_, let reason) {
            throw RunError.hostUnreachable(host: node, reason: "host \(node): the agent did not start as a Slurm job step: \(reason); "
                                           + "check that the slurm section's 'python' (now \(python)) is a Python 3.8+ on the node")
        }
    }

    private init(host: String, jobID: String, process: LocalAgentLink, beforeLost: (@Sendable () async -> Void)?) {
        self.host = host
        self.jobID = jobID
        self.process = process
        let (events, sink) = AsyncStream<[AgentEvent]>.makeStream()
        self.events = events
        let inner = process.events
        forwarder = Task {
            for await batch in inner {
                if let beforeLost, batch.contains(where: Self.mayMeanTheAllocationEnded) { await beforeLost() }
                sink.yield(batch)
            }
            sink.finish()
        }
    }

    /// The step's end, or a test INTERRUPTED: Slurm's SIGTERM to the step (a `scancel`, the time
    /// limit) makes the agent stop its tests before it exits.
    static func mayMeanTheAllocationEnded(_ event: AgentEvent) -> Bool {
        switch event {
        case .lost: return true
        case .message(.finished(let f)): return f.status == .interrupted
        default: return false
        }
    }

    /// Sends later tasks' paths under `map.local` to `map.remote` (`shared_tree`).
    public func setPathMap(_ map: SSHAgentLink.PathMap?) {
        lock.withLock { pathMap = map }
    }

    public func run(_ task: CoordinatorMessage.RunTask) async {
        var task = task
        if let map = lock.withLock({ pathMap }) { task = map.apply(to: task) }
        await process.run(task)
    }

    public func cancel(taskID: String) async { await process.cancel(taskID: taskID) }

    public func shutdown(grace: Duration) async { await process.shutdown(grace: grace) }
}
