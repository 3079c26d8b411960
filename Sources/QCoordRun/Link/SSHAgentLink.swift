import Foundation
import QCoordCore
import QCoordSSH

/// The agent on a remote host, started over one SSH channel and speaking protocol v1 on it.
///
/// The agent file is uploaded once per content hash into `~/.cache/qcoord/agents/` on the
/// host (SFTP, written atomically, so hosts sharing an NFS home never see a partial file),
/// then run as `PYTHON -u FILE` on a long-lived exec channel of the host's one SSH session.
public final class SSHAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: the mutable fields (`capabilities` and `readyTime` before start returns,
    // `lastSeen`, `lostReported`, `tasks`, `pathMap`) are guarded by `lock`; the rest is immutable.
    public let host: String
    public private(set) var capabilities: HostCapabilities
    public let events: AsyncStream<[AgentEvent]>
    public let session: SSHSession
    /// How long connect + authenticate took.
    public let connectTime: Duration
    /// From the start of the connection until the agent's `ready`.
    public private(set) var readyTime: Duration = .zero

    private let channel: SSHChannel
    private let eventSink: AsyncStream<[AgentEvent]>.Continuation
    private let lock = NSLock()
    private var lastSeen = ContinuousClock.now
    private var lostReported = false
    private var tasks: [Task<Void, Never>] = []
    private let idleLimit: Duration

    /// Silence after which a host is lost: the agent's heartbeat comes every second, and the
    /// watchdog looks every half second, so a dead or frozen host is noticed within 8.5 s.
    public static let defaultIdleLimit: Duration = .seconds(8)

    /// The remote path of the agent for `source`, relative to the login directory.
    public static func remoteAgentPath(source: String = AgentBundle.source) -> String {
        ".cache/qcoord/agents/qcoord_agent-\(AgentCache.fnv1a(source)).py"
    }

    /// Connects, uploads the agent if the host lacks this version, starts it with `python`,
    /// sends `hello` and waits for `ready`. Throws `RunError.agentStart` with the SSH or
    /// agent failure (host key, auth, no python3 …) as the reason.
    public static func start(host: String, ssh: SSHConnectOptions, python: String = "python3",
                             hello: CoordinatorMessage.Hello, log: JobLog, readyTimeout: Duration = .seconds(60),
                             idleLimit: Duration = defaultIdleLimit, agentSource: String = AgentBundle.source) async throws -> SSHAgentLink {
        let began = ContinuousClock.now
        let session: SSHSession
        do {
            session = try await SSHSession.connect(ssh)
        } catch {
            throw RunError.hostUnreachable(host: host, reason: "\(error)")
        }
        let connectTime = ContinuousClock.now - began
        let path = remoteAgentPath(source: agentSource)
        let channel: SSHChannel
        do {
            if try await uploadAgentIfNeeded(try await session.sftp(), source: agentSource) {
                log.info("host \(host): uploaded the agent to ~/\(path)")
            }
            channel = try await session.openChannel(command: "exec \(shellQuote(python)) -u \(path)")
        } catch {
            throw RunError.hostUnreachable(host: host, reason: "\(error)")
        }
        let link = SSHAgentLink(host: host, session: session, channel: channel, connectTime: connectTime, idleLimit: idleLimit)
        let (readyStream, readySink) = AsyncStream<Result<HostCapabilities, RunError>>.makeStream()
        link.startReaders(log: log, ready: readySink, python: python)
        await link.send(.hello(hello))
        let result = await ReadyWait.first(readyStream, host: host, timeout: readyTimeout,
                                           endedReason: "the agent ended before it was ready")
        switch result {
        case .success(let caps):
            let readyTime = ContinuousClock.now - began
            link.lock.withLock {
                link.capabilities = caps
                link.readyTime = readyTime
            }
            link.startWatchdog()
            return link
        case .failure(let error):
            await link.shutdown(grace: .zero)
            throw error
        }
    }

    private init(host: String, session: SSHSession, channel: SSHChannel, connectTime: Duration, idleLimit: Duration) {
        self.host = host
        self.session = session
        self.channel = channel
        self.connectTime = connectTime
        self.idleLimit = idleLimit
        self.capabilities = HostCapabilities(host: host, arch: "", cpus: 1, kvm: false, python: "", avocado: nil, qemu: [:])
        (events, eventSink) = AsyncStream<[AgentEvent]>.makeStream()
    }

    /// Where a local test tree lives on this host (after `TreeSync`): tasks whose workdir or
    /// uri lie under `local` are sent with those paths under `remote` instead.
    public struct PathMap: Sendable, Hashable {
        public var local: String
        public var remote: String
        public init(local: String, remote: String) {
            self.local = local
            self.remote = remote
        }

        public func apply(_ path: String) -> String {
            if path == local { return remote }
            if path.hasPrefix(local + "/") { return remote + path.dropFirst(local.count) }
            return path
        }

        func contains(_ path: String) -> Bool { path == local || path.hasPrefix(local + "/") }

        /// A task as the host must see it: a relative uri made absolute against the local workdir
        /// (the tree's root need not hold the workdir), then both moved into the host's copy; a
        /// workdir outside the tree becomes the tree's root there.
        public func apply(to task: CoordinatorMessage.RunTask) -> CoordinatorMessage.RunTask {
            var task = task
            let localWorkdir = task.workdir ?? local
            if !task.uri.hasPrefix("/") && !task.uri.hasPrefix("~") {
                let absolute = ((localWorkdir + "/" + task.uri) as NSString).standardizingPath
                if contains(absolute) {
                    // The agent finds the test's method by the name's `uri:` prefix.
                    if task.name.hasPrefix(task.uri + ":") { task.name = absolute + task.name.dropFirst(task.uri.count) }
                    else if task.name == task.uri { task.name = absolute }
                    task.uri = absolute
                }
            }
            if task.name.hasPrefix(task.uri + ":") { task.name = apply(task.uri) + task.name.dropFirst(task.uri.count) }
            else if task.name == task.uri { task.name = apply(task.uri) }
            task.uri = apply(task.uri)
            task.workdir = contains(localWorkdir) ? apply(localWorkdir) : remote
            return task
        }
    }

    private var pathMap: PathMap?

    /// Sends later tasks' paths under `map.local` to `map.remote`.
    public func setPathMap(_ map: PathMap?) {
        lock.withLock { pathMap = map }
    }

    public func run(_ task: CoordinatorMessage.RunTask) async {
        var task = task
        if let map = lock.withLock({ pathMap }) { task = map.apply(to: task) }
        await send(.run(task))
    }

    public func cancel(taskID: String) async { await send(.cancel(taskID: taskID)) }

    /// Sends `shutdown`, then EOF (the agent exits on either, killing its process groups),
    /// waits up to `grace` for it to exit, then closes the channel and the session.
    public func shutdown(grace: Duration) async {
        await send(.shutdown)
        await channel.closeInput()
        let channel = self.channel
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await channel.exitStatus() }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
        }
        await channel.close()
        await session.disconnect()
        for task in lock.withLock({ tasks }) { task.cancel() }
        reportLost("agent shut down")
    }

    func send(_ message: CoordinatorMessage) async {
        do {
            try await channel.send(try AgentWire.encodeLine(message))
        } catch {
            reportLost("cannot send to the agent: \(error)")
        }
    }

    private func startReaders(log: JobLog, ready: AsyncStream<Result<HostCapabilities, RunError>>.Continuation, python: String) {
        let host = self.host
        let channel = self.channel
        let stderrTail = StderrTail()
        let stdoutTask = Task { [self] in
            var reader = AgentOutputReader()
            reading: for await chunk in channel.stdout {
                lock.withLock { lastSeen = ContinuousClock.now }
                if let error = AgentReadDelivery.deliver(reader.push(chunk), host: host, log: log, ready: ready, events: eventSink) {
                    reportLost("host \(host): \(error)")
                    await channel.close()
                    break reading
                }
            }
            let status: String
            do {
                status = "exit status \(try await channel.exitStatus())"
            } catch {
                status = "\(error)"
            }
            if !reader.isReady {
                let tail = await stderrTail.text
                let hint = status.hasSuffix("127") ? " — is '\(python)' installed on the host? (set 'python' in the inventory)" : ""
                ready.yield(.failure(.agentStart(host: host, reason: "the agent ended before it was ready (\(status))\(hint)\(tail.isEmpty ? "" : ": " + tail)")))
            }
            ready.finish()
            reportLost("the agent closed its output (\(status)); see job.log for its stderr")
        }
        let stderrTask = Task {
            var splitter = LineSplitter(maxLineBytes: 64 * 1024)
            for await chunk in channel.stderr {
                for piece in splitter.push(chunk) {
                    let text = (try? piece.get()).map { String(decoding: $0, as: UTF8.self) } ?? "(overlong line dropped)"
                    await stderrTail.add(text)
                    log.log("AGENT", "[\(host) stderr] " + text)
                }
            }
        }
        lock.withLock { tasks += [stdoutTask, stderrTask] }
    }

    /// Seconds without a line from the coordinator after which an agent stops its tests (sent in `hello`).
    public static let coordinatorIdleLimit = 10.0

    /// The agent sends a heartbeat every second, and so does the link. Silence first gets an SSH-level probe (so
    /// TCP_USER_TIMEOUT can notice a cut link), then, past `idleLimit`, the host is lost.
    private func startWatchdog() {
        let watchdog = Task { [self] in
            var lastProbe = ContinuousClock.now
            var lastBeat = ContinuousClock.now
            let beating = HeartbeatGate()
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let now = ContinuousClock.now
                // Our own heartbeat, so the agent knows we are alive; never two at once on a
                // channel a frozen host blocks.
                if now - lastBeat >= .seconds(1), beating.enter() {
                    lastBeat = now
                    Task { await self.send(.heartbeat); beating.leave() }
                }
                let idle = now - lock.withLock { lastSeen }
                if idle > .seconds(2), now - lastProbe > .seconds(2) {
                    // Not awaited: the probe waits for the session's thread, which a blocking call
                    // to a frozen host can hold for the I/O timeout, longer than the idle limit.
                    lastProbe = now
                    let session = self.session
                    Task { try? await session.probe() }
                }
                if idle > idleLimit {
                    reportLost("no heartbeat from the agent for \(idle.components.seconds) s")
                    await channel.close()
                    return
                }
            }
        }
        lock.withLock { tasks.append(watchdog) }
    }

    /// Reports the link's end once, then ends `events`.
    private func reportLost(_ reason: String) {
        let first = lock.withLock {
            defer { lostReported = true }
            return !lostReported
        }
        guard first else { return }
        eventSink.yield([.lost(reason: reason)])
        eventSink.finish()
    }

    static func shellQuote(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:~".contains($0) }) {
            return s.hasPrefix("~/") ? "\"$HOME\"/" + shellQuote(String(s.dropFirst(2))) : s
        }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The last few stderr lines of an agent, for the error when it dies before `ready`.
private actor StderrTail {
    private var lines: [String] = []
    func add(_ line: String) {
        lines.append(line)
        if lines.count > 5 { lines.removeFirst() }
    }
    var text: String { lines.joined(separator: " | ") }
}

/// One heartbeat write at a time.
final class HeartbeatGate: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var busy = false
    func enter() -> Bool { lock.withLock { busy ? false : { busy = true; return true }() } }
    func leave() { lock.withLock { busy = false } }
}
