import CLibSSH

/// The state of one exec channel, owned by its `SSHSession` and touched only on the host thread.
///
/// Not Sendable: it never leaves the session actor. The C channel is freed by `free()` when
/// the session lets go of the channel, never in deinit: a waiter suspended in
/// `SSHSession.waitForExit` keeps the core alive past `ssh_free`, which frees every channel
/// with the session, and a free in deinit then was a use after free (a crash at job end).
final class ChannelCore {
    let id: Int
    let handle: OpaquePointer
    var input: [UInt8] = []
    var inputOffset = 0
    var closeInputRequested = false
    var eofSent = false
    var outputFinished = false
    var result: Result<Int32, SSHError>?
    var exitWaiters: [CheckedContinuation<Int32, any Error>] = []
    var deadline: ContinuousClock.Instant?
    let stdout: AsyncStream<[UInt8]>.Continuation
    let stderr: AsyncStream<[UInt8]>.Continuation

    init(id: Int, handle: OpaquePointer, stdout: AsyncStream<[UInt8]>.Continuation,
         stderr: AsyncStream<[UInt8]>.Continuation, deadline: ContinuousClock.Instant?) {
        self.id = id
        self.handle = handle
        self.stdout = stdout
        self.stderr = stderr
        self.deadline = deadline
    }

    private var freed = false

    deinit {
        stdout.finish()
        stderr.finish()
    }

    /// Frees the C channel; called once, on the host thread, while the session is alive.
    func free() {
        guard !freed else { return }
        freed = true
        ssh_channel_free(handle)
    }

    var hasInputToWrite: Bool { inputOffset < input.count }

    /// Ends the channel with `result`, waking every waiter once.
    func finish(_ result: Result<Int32, SSHError>) {
        guard self.result == nil else { return }
        self.result = result
        outputFinished = true
        stdout.finish()
        stderr.finish()
        let waiters = exitWaiters
        exitWaiters = []
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    func fail(_ error: SSHError) {
        finish(.failure(error))
    }
}
