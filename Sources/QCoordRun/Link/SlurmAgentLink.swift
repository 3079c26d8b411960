import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// The agent on a Slurm node, run as a job step of the job's allocation:
/// `srun --jobid=J --nodelist=NODE -N1 -n1 --overlap -u PYTHON -u -c BOOT`. `srun` forwards
/// the step's stdin and stdout, so protocol v1 travels over them as over the local agent's
/// pipes (the process side is `LocalAgentLink`'s, shared, not copied): no open port, no daemon.
/// BOOT is `AgentProtocol.stdinBootstrap` (docs/protocol.md §1): it reads the embedded agent from
/// stdin and runs it, so a node needs nothing of qcoord on disk — the same agent file as over SSH.
public final class SlurmAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: `pathMap` is guarded by `lock`; the rest is immutable.
    public let host: String
    /// The Slurm job whose step this is.
    public let jobID: String
    /// How its steps run (the node's python, srun's extra words) and where Slurm's commands are:
    /// other steps on the node (the assets' transfers) use them too.
    public let settings: SlurmSettings
    public let cluster: SlurmCluster
    private let process: LocalAgentLink
    private let lock = NSLock()
    private var pathMap: SSHAgentLink.PathMap?

    public var capabilities: HostCapabilities { process.capabilities }
    public let events: AsyncStream<[AgentEvent]>
    private let forwarder: Task<Void, Never>

    /// The `srun` words of a node's agent step (without the program).
    public static func srunArguments(jobID: String, node: String, settings: SlurmSettings) -> [String] {
        ["--jobid=\(jobID)", "--nodelist=\(node)", "--nodes=1", "--ntasks=1", "--overlap", "--unbuffered",
         "--quiet", "--job-name=qcoord-agent"] + settings.srunArgs
    }

    /// Starts the agent step on `node`, sends `hello` and waits for `ready`.
    /// - Parameter beforeLost: awaited before the step's end reaches the job: it may first tell
    ///   the job that the whole allocation ended (a `scancel` is a signal, not a lost host).
    public static func start(node: String, jobID: String, settings: SlurmSettings, hello: CoordinatorMessage.Hello,
                             log: JobLog, cluster: SlurmCluster = SlurmCluster(), readyTimeout: Duration = .seconds(120),
                             idleLimit: Double = 30, agentSource: String = AgentBundle.source,
                             beforeLost: (@Sendable () async -> Bool)? = nil) async throws -> SlurmAgentLink {
        let python = settings.python ?? "python3"
        let srun = cluster.command("srun")
        let arguments = [srun] + srunArguments(jobID: jobID, node: node, settings: settings)
            + [python, "-u", "-c", AgentProtocol.stdinBootstrap]
        log.info("host \(node): " + arguments.map(SSHAgentLink.shellQuote).joined(separator: " "))
        let ending = StepEnding()
        do {
            let process = try await LocalAgentLink.launch(
                host: node, executable: "/usr/bin/env", arguments: arguments, preamble: AgentProtocol.bootstrapPayload(agentSource: agentSource),
                hello: hello, log: log, readyTimeout: readyTimeout, idleLimit: idleLimit,
                cannotRun: "cannot run \(srun)",
                endedReason: "the agent's job step ended before it was ready (see job.log for srun's and the agent's stderr)",
                onStderr: { line in if StepEnding.isEndLine(line) { ending.set() } })
            return SlurmAgentLink(host: node, jobID: jobID, settings: settings, cluster: cluster, process: process,
                                  ending: ending, beforeLost: beforeLost)
        } catch RunError.agentStart(_, let reason) {
            throw RunError.hostUnreachable(host: node, reason: "host \(node): the agent did not start as a Slurm job step: \(reason); "
                                           + "check that the slurm section's 'python' (now \(python)) is a Python 3.8+ on the node")
        }
    }

    private init(host: String, jobID: String, settings: SlurmSettings, cluster: SlurmCluster, process: LocalAgentLink,
                 ending: StepEnding, beforeLost: (@Sendable () async -> Bool)?) {
        self.host = host
        self.jobID = jobID
        self.settings = settings
        self.cluster = cluster
        self.process = process
        let (events, sink) = AsyncStream<[AgentEvent]>.makeStream()
        self.events = events
        let inner = process.events
        let asked = shutdownAsked
        forwarder = Task {
            for await batch in inner {
                var batch = batch
                if let beforeLost, ending.isSet || batch.contains(where: Self.mayMeanTheAllocationEnded) {
                    batch = await Self.settle(batch, allocationEnded: await beforeLost(), ending: ending, asked: asked,
                                              process: process, recheck: beforeLost)
                }
                if !batch.isEmpty { sink.yield(batch) }
            }
            sink.finish()
        }
    }

    /// The step's end, or a test that did not end well: Slurm's SIGTERM to the step (a `scancel`,
    /// the time limit) reaches the tests (FAIL/ERROR "killed by SIGTERM") and the agent (INTERRUPTED)
    /// before the step's output ends. Then the allocation is asked first.
    static func mayMeanTheAllocationEnded(_ event: AgentEvent) -> Bool {
        switch event {
        case .lost: return true
        case .message(.finished(let f)): return ![.pass, .skip, .cancel, .warn].contains(f.status)
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

    public func shutdown(grace: Duration) async {
        shutdownAsked.set()
        await process.shutdown(grace: grace)
    }

    private let shutdownAsked = StepEnding()

    /// Whether Slurm's end of the step, not the test, ended this task: killed by a signal, or
    /// interrupted by an agent shutdown qcoord did not ask for.
    static func killedWithTheStep(_ f: AgentMessage.Finished, shutdownAsked: Bool) -> Bool {
        let reason = f.failReason ?? ""
        switch f.status {
        case .fail, .error: return reason.localizedCaseInsensitiveContains("signal")
        case .interrupted: return !shutdownAsked && (reason.contains("agent shutting down") || reason.localizedCaseInsensitiveContains("signal"))
        default: return false
        }
    }

    /// A batch as the job must see it when the step may be ending. Results of tests Slurm killed
    /// with the step (every result after srun/slurmstepd said the step ends) are not the tests' own: when the whole allocation ended (scancel, time
    /// limit) they are INTERRUPTED; when only this step ended (the node DOWN, the step killed)
    /// they are dropped, so the host's loss sends those tests to another node.
    static func settle(_ batch: [AgentEvent], allocationEnded: Bool, ending: StepEnding, asked: StepEnding,
                       process: LocalAgentLink, recheck: @Sendable () async -> Bool) async -> [AgentEvent] {
        // Once Slurm has said the step ends, no result of it is trusted (a test whose `sleep`
        // Slurm killed may well exit 0); before that, those that died of a signal.
        let stepEnded = ending.isSet && !asked.isSet
        let killed = { (e: AgentEvent) -> Bool in
            if case .message(.finished(let f)) = e { return stepEnded || killedWithTheStep(f, shutdownAsked: asked.isSet) }
            return false
        }
        guard batch.contains(where: killed) else { return batch }
        var ended = allocationEnded
        if !ended {
            // The step's end shows within a moment (srun exits, or says so on stderr).
            for _ in 0..<20 where process.isRunning && !ending.isSet { try? await Task.sleep(for: .milliseconds(50)) }
            guard ending.isSet || !process.isRunning else { return batch }
            ended = await recheck()
        }
        return batch.compactMap { e in
            guard killed(e), case .message(.finished(var f)) = e else { return e }
            guard ended else { return nil }
            f.failReason = "Interrupted: the Slurm job ended under the test (\(f.failReason ?? f.status.rawValue))"
            f.status = .interrupted
            return .message(.finished(f))
        }
    }
}

/// Set once srun or slurmstepd says the step is ending (`*** STEP 12.0 ON n1 CANCELLED AT …`,
/// `… DUE TO TIME LIMIT`, `Node failure`): from then on every batch of the step asks the allocation.
final class StepEnding: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }

    static func isEndLine(_ line: String) -> Bool {
        (line.contains("***") && (line.contains(" CANCELLED AT ") || line.contains("TIME LIMIT")))
            || line.contains("Node failure") || line.contains("Job step aborted") || line.contains("Force Terminated")
    }
}
