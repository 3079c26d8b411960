/// One running remote command: its stdout and stderr as streams of byte chunks, and its stdin.
///
/// Made for one long-lived agent channel per host. The session's poll loop on the host
/// thread moves the bytes; this actor shares that thread's executor, so its calls reach
/// the session without a thread hop. It holds the session, so the session outlives it.
public actor SSHChannel {
    public nonisolated let session: SSHSession
    nonisolated let id: Int
    /// Chunks of the command's stdout, finished at EOF (or when the channel fails).
    public nonisolated let stdout: AsyncStream<[UInt8]>
    /// Chunks of the command's stderr, finished at EOF.
    public nonisolated let stderr: AsyncStream<[UInt8]>

    public nonisolated var unownedExecutor: UnownedSerialExecutor { session.unownedExecutor }

    init(session: SSHSession, id: Int, stdout: AsyncStream<[UInt8]>, stderr: AsyncStream<[UInt8]>) {
        self.session = session
        self.id = id
        self.stdout = stdout
        self.stderr = stderr
    }

    isolated deinit {
        let id = self.id
        session.assumeIsolated { $0.releaseChannel(id) }
    }

    /// Queues bytes for the command's stdin; they are written as the remote window allows.
    public func send(_ bytes: [UInt8]) throws {
        let id = self.id
        try session.assumeIsolated { try $0.queueInput(id, bytes) }
    }

    /// Sends EOF on stdin once the queued bytes are written.
    public func closeInput() {
        let id = self.id
        session.assumeIsolated { $0.closeInput(id) }
    }

    /// Waits for the command to end; its exit status, or -1 when it had none (signal).
    /// Throws `SSHError` when the connection was lost or the timeout passed first.
    public func exitStatus() async throws -> Int32 {
        try await session.waitForExit(id)
    }

    /// Closes the channel now; the remote command gets EOF (no signal: sshd refuses them for root).
    public func close() {
        let id = self.id
        session.assumeIsolated { $0.releaseChannel(id) }
    }
}
