import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// The agent as a local subprocess (`python -u agent.py`), talking protocol v1 over its stdin/stdout.
///
/// Reads happen on dedicated threads: a blocking `read(2)` on the cooperative pool (2 threads
/// here) would stall every other task of the job.
public final class LocalAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`; the rest is immutable after start.
    public let host: String
    public private(set) var capabilities: HostCapabilities
    public let events: AsyncStream<[AgentEvent]>

    private let eventSink: AsyncStream<[AgentEvent]>.Continuation
    private let process: Process
    private let stdinFD: Int32
    private let writeQueue = DispatchQueue(label: "qcoord.local-agent.write")
    private let exited: AsyncStream<Int32>
    private let lock = NSLock()
    private var lastSeen = JobClock.monotonic()
    private var lostReported = false
    private var watchdog: DispatchSourceTimer?

    /// Seconds without any line (the agent sends a heartbeat every second) before the link is lost.
    private let idleLimit: Double

    /// Starts the agent with `python` (a path, or a name looked up on PATH), sends `hello` and
    /// waits for `ready`. `agentScript` replaces the embedded agent (tests drive scripted agents).
    public static func start(host: String = "local", python: String, hello: CoordinatorMessage.Hello,
                             log: JobLog, readyTimeout: Duration = .seconds(60), idleLimit: Double = 30,
                             agentScript: String? = nil) async throws -> LocalAgentLink {
        let script = try agentScript ?? AgentCache.materialize()
        return try await launch(host: host, executable: "/usr/bin/env", arguments: [python, "-u", script], hello: hello,
                                log: log, readyTimeout: readyTimeout, idleLimit: idleLimit,
                                cannotRun: "cannot run \(python)",
                                endedReason: "the agent exited before it was ready; see job.log for its stderr")
    }

    /// Starts `executable arguments` as the agent's process: its stdin and stdout carry the
    /// protocol (after `preamble`, written to its stdin first: a launcher that reads the agent
    /// itself from there, as the Slurm link's), its stderr goes to job.log. Sends `hello` and
    /// waits for `ready`. Shared by every link whose agent is a local child process (the local
    /// host; a Slurm job step, whose `srun` forwards the step's stdin and stdout).
    static func launch(host: String, executable: String, arguments: [String], preamble: [UInt8] = [],
                       hello: CoordinatorMessage.Hello, log: JobLog, readyTimeout: Duration, idleLimit: Double,
                       cannotRun: String, endedReason: String,
                       onStderr: (@Sendable (String) -> Void)? = nil) async throws -> LocalAgentLink {
        // Writing to a dead agent must fail with EPIPE rather than kill the whole process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdinPipe = Pipe(), stdoutPipe = Pipe(), stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let (exited, exitSink) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { p in
            exitSink.yield(p.terminationStatus)
            exitSink.finish()
        }
        do { try process.run() } catch {
            throw RunError.agentStart(host: host, reason: "\(cannotRun): \(error.localizedDescription)")
        }
        let link = LocalAgentLink(host: host, process: process, stdinFD: stdinPipe.fileHandleForWriting.fileDescriptor,
                                  exited: exited, idleLimit: idleLimit)
        // Keep the pipe objects alive with the link: their deinit would close our descriptors.
        link.pipes = [stdinPipe, stdoutPipe, stderrPipe]
        let (readyStream, readySink) = AsyncStream<Result<HostCapabilities, RunError>>.makeStream()
        link.startReaders(stdout: stdoutPipe.fileHandleForReading.fileDescriptor,
                          stderr: stderrPipe.fileHandleForReading.fileDescriptor, log: log, ready: readySink, onStderr: onStderr)
        if !preamble.isEmpty { await link.writeBytes(preamble) }
        await link.send(.hello(hello))

        let result = await ReadyWait.first(readyStream, host: host, timeout: readyTimeout, endedReason: endedReason)
        switch result {
        case .success(let caps):
            link.capabilities = caps
            link.startWatchdog()
            return link
        case .failure(let error):
            await link.shutdown(grace: .zero)
            throw error
        }
    }

    /// The child's process id (the agent, or its launcher).
    var processID: Int32 { process.processIdentifier }

    /// Whether the child (the agent, or its launcher) still runs.
    var isRunning: Bool { process.isRunning }

    private var pipes: [Pipe] = []

    private init(host: String, process: Process, stdinFD: Int32, exited: AsyncStream<Int32>, idleLimit: Double) {
        self.host = host
        self.idleLimit = idleLimit
        self.process = process
        self.stdinFD = stdinFD
        self.exited = exited
        self.capabilities = HostCapabilities(host: host, arch: "", cpus: 1, kvm: false, python: "", avocado: nil, qemu: [:])
        (events, eventSink) = AsyncStream<[AgentEvent]>.makeStream()
    }

    public func run(_ task: CoordinatorMessage.RunTask) async { await send(.run(task)) }

    public func cancel(taskID: String) async { await send(.cancel(taskID: taskID)) }

    public func shutdown(grace: Duration) async {
        lock.withLock { watchdog?.cancel(); watchdog = nil }
        await send(.shutdown)
        writeQueue.sync { _ = close(stdinFD) }
        let pid = process.processIdentifier
        let done = await withTaskGroup(of: Bool.self) { group in
            group.addTask { [exited] in
                for await _ in exited { return true }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !done && pid > 0 {
            // The agent ignored shutdown and EOF: kill it (it kills its own process groups on exit,
            // and its children die with it through PDEATHSIG).
            kill(pid, SIGKILL)
            for await _ in exited { break }
        }
        reportLost("agent shut down")
    }

    /// Writes one message line; a dead agent (EPIPE) is reported by the reader, not here.
    func send(_ message: CoordinatorMessage) async {
        let bytes: [UInt8]
        do { bytes = try AgentWire.encodeLine(message) } catch {
            reportLost("cannot encode a message for the agent: \(error)")
            return
        }
        await writeBytes(bytes)
    }

    /// Writes `bytes` to the agent's stdin, in order with the messages.
    private func writeBytes(_ bytes: [UInt8]) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // A pipe write can block when the agent stops reading: keep it off the cooperative pool.
            writeQueue.async { [stdinFD] in
                var offset = 0
                while offset < bytes.count {
                    let n = bytes[offset...].withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
                    if n < 0 { if errno == EINTR { continue }; break }
                    offset += n
                }
                done.resume()
            }
        }
    }

    private func startReaders(stdout: Int32, stderr: Int32, log: JobLog,
                              ready: AsyncStream<Result<HostCapabilities, RunError>>.Continuation,
                              onStderr: (@Sendable (String) -> Void)? = nil) {
        let host = self.host
        let outThread = Thread { [self] in
            var reader = AgentOutputReader()
            var buffer = [UInt8](repeating: 0, count: 65536)
            readLoop: while true {
                let n = buffer.withUnsafeMutableBytes { read(stdout, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.withLock { lastSeen = JobClock.monotonic() }
                if let error = AgentReadDelivery.deliver(reader.push(buffer[0..<n]), host: host, log: log, ready: ready, events: eventSink) {
                    reportLost("host \(host): \(error)")
                    kill(process.processIdentifier, SIGKILL)
                    break readLoop
                }
            }
            ready.finish()
            let status = process.isRunning ? "running" : "exit status \(process.terminationStatus)"
            reportLost("the agent closed its output (\(status)); see job.log for its stderr")
        }
        outThread.name = "qcoord.agent.\(host).stdout"
        outThread.start()

        let errThread = Thread {
            var splitter = LineSplitter(maxLineBytes: 64 * 1024)
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(stderr, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                for piece in splitter.push(buffer[0..<n]) {
                    let text = (try? piece.get()).map { String(decoding: $0, as: UTF8.self) } ?? "(overlong line dropped)"
                    onStderr?(text)
                    log.log("AGENT", "[\(host) stderr] " + text)
                }
            }
        }
        errThread.name = "qcoord.agent.\(host).stderr"
        errThread.start()
    }

    private func startWatchdog() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "qcoord.agent.watchdog"))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let idle = JobClock.monotonic() - lock.withLock { lastSeen }
            if idle > idleLimit {
                reportLost("no heartbeat from the agent for \(Int(idle)) s")
                kill(process.processIdentifier, SIGKILL)
            }
        }
        lock.withLock { watchdog = timer }
        timer.resume()
    }

    /// Reports the link's end once, then ends `events`.
    private func reportLost(_ reason: String) {
        let first = lock.withLock {
            defer { lostReported = true }
            return !lostReported
        }
        guard first else { return }
        lock.withLock { watchdog?.cancel(); watchdog = nil }
        eventSink.yield([.lost(reason: reason)])
        eventSink.finish()
    }
}
