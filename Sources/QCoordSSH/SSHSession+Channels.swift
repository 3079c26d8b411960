import CLibSSH
#if canImport(Glibc)
import Glibc
#endif


extension SSHSession {
    /// Starts `command` on a new channel; its output arrives on the channel's streams.
    /// - Parameter timeout: the whole life of the command; nil for none (a long-lived agent).
    public func openChannel(command: String, timeout: Duration? = nil) throws -> SSHChannel {
        let session = try liveHandle()
        guard let channel = ssh_channel_new(session) else {
            throw SSHError.channelFailed(host: label, detail: Self.errorText(session))
        }
        guard ssh_channel_open_session(channel) == SSH_OK else {
            let detail = Self.errorText(session)
            ssh_channel_free(channel)
            if ssh_is_connected(session) == 0 { throw SSHError.connectionLost(host: label, detail: detail) }
            throw SSHError.channelFailed(host: label, detail: "\(detail) (too many open sessions? sshd's MaxSessions)")
        }
        guard ssh_channel_request_exec(channel, command) == SSH_OK else {
            let detail = Self.errorText(session)
            ssh_channel_close(channel)
            ssh_channel_free(channel)
            throw SSHError.channelFailed(host: label, detail: detail)
        }
        let (stdout, stdoutContinuation) = AsyncStream<[UInt8]>.makeStream()
        let (stderr, stderrContinuation) = AsyncStream<[UInt8]>.makeStream()
        let id = makeID()
        let deadline = timeout.map { ContinuousClock.now + $0 }
        channels[id] = ChannelCore(id: id, handle: channel, stdout: stdoutContinuation,
                                   stderr: stderrContinuation, deadline: deadline)
        startPumpIfNeeded()
        return SSHChannel(session: self, id: id, stdout: stdout, stderr: stderr)
    }

    /// Runs `command` to completion, feeding it `stdin` (then EOF), and captures its output.
    public func exec(_ command: String, stdin: [UInt8] = [], timeout: Duration? = .seconds(60)) async throws -> SSHExecResult {
        let channel = try openChannel(command: command, timeout: timeout)
        if !stdin.isEmpty { try queueInput(channel.id, stdin) }
        closeInput(channel.id)
        async let out = Self.collect(channel.stdout)
        async let err = Self.collect(channel.stderr)
        let status = try await waitForExit(channel.id)
        return SSHExecResult(stdout: await out, stderr: await err, exitStatus: status)
    }

    nonisolated static func collect(_ stream: AsyncStream<[UInt8]>) async -> [UInt8] {
        var all: [UInt8] = []
        for await chunk in stream { all += chunk }
        return all
    }

    // MARK: called by SSHChannel (same executor)

    func queueInput(_ id: Int, _ bytes: [UInt8]) throws {
        guard let core = channels[id] else { throw SSHError.closed(host: label) }
        if case .failure(let error) = core.result { throw error }
        guard !core.closeInputRequested else {
            throw SSHError.channelFailed(host: label, detail: "write after the input was closed")
        }
        if core.inputOffset == core.input.count {
            core.input.removeAll(keepingCapacity: true)
            core.inputOffset = 0
        }
        core.input += bytes
        startPumpIfNeeded()
    }

    func closeInput(_ id: Int) {
        guard let core = channels[id] else { return }
        core.closeInputRequested = true
        startPumpIfNeeded()
    }

    func waitForExit(_ id: Int) async throws -> Int32 {
        guard let core = channels[id] else { throw SSHError.closed(host: label) }
        if let result = core.result { return try result.get() }
        return try await withCheckedThrowingContinuation { continuation in
            core.exitWaiters.append(continuation)
        }
    }

    /// Closes and frees one channel (from `SSHChannel.close` or its deinit).
    func releaseChannel(_ id: Int) {
        guard let core = channels.removeValue(forKey: id) else { return }
        if core.result == nil {
            core.fail(.channelFailed(host: label, detail: "channel closed before the command ended"))
        }
        if ssh_channel_is_closed(core.handle) == 0 { ssh_channel_close(core.handle) }
        core.free()
    }

    // MARK: the poll loop

    func startPumpIfNeeded() {
        guard !pumpRunning, handle != nil else { return }
        pumpRunning = true
        Task { await self.pump() }
    }

    /// Services every open channel until none is left: writes queued input no faster than
    /// the remote window allows (more would deadlock against unread output), reads stdout
    /// and stderr separately, and waits in `ssh_event_dopoll`, which also wakes on stderr
    /// and on the host thread's wake-up pipe. Yields between rounds so other calls on this
    /// host (send, exec, SFTP) interleave.
    func pump() async {
        defer { pumpRunning = false }
        while let session = handle, let event, channels.values.contains(where: { $0.result == nil }) {
            var busy = false
            for core in channels.values where core.result == nil { busy = service(core, session) || busy }
            let now = ContinuousClock.now
            var timeoutMs = 1000
            for core in channels.values where core.result == nil {
                if let deadline = core.deadline {
                    if deadline <= now {
                        core.fail(.timeout(host: label, operation: "command"))
                        ssh_channel_close(core.handle)
                        continue
                    }
                    timeoutMs = min(timeoutMs, max(1, (deadline - now).milliseconds))
                }
                if core.hasInputToWrite && ssh_channel_window_size(core.handle) > 0 { busy = true }
            }
            if busy || thread.hasPendingJobs { timeoutMs = 0 }
            let rc = ssh_event_dopoll(event, Int32(timeoutMs))
            // poll(2) interrupted by a signal (a child of this process exiting) is not a lost link.
            let interrupted = rc == SSH_ERROR && errno == EINTR && ssh_is_connected(session) != 0
            if !interrupted && (rc == SSH_ERROR || ssh_is_connected(session) == 0) {
                let detail = Self.errorText(session)
                for core in channels.values { core.fail(.connectionLost(host: label, detail: detail)) }
                break
            }
            for core in channels.values where core.result == nil { _ = service(core, session) }
            Self.quickAck(session)
            await Task.yield()
        }
    }

    /// ACK what was just read at once. sshd sets TCP_NODELAY only for sessions with a pty, so
    /// its small packets (one agent message each) wait in Nagle's buffer for our ACK, which
    /// Linux delays by 40 ms or more: several stalls per test. Linux clears the flag after
    /// each use, so it is set again every round.
    static func quickAck(_ session: OpaquePointer) {
        #if os(Linux)
        let fd = ssh_get_fd(session)
        guard fd >= 0 else { return }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// One non-blocking round for one channel; true when something moved.
    private func service(_ core: ChannelCore, _ session: OpaquePointer) -> Bool {
        var progress = readAvailable(core)
        while core.hasInputToWrite {
            let window = Int(ssh_channel_window_size(core.handle))
            if window == 0 { break }
            let count = min(window, core.input.count - core.inputOffset, 32 * 1024)
            let written = core.input.withUnsafeBufferPointer { buffer in
                ssh_channel_write(core.handle, buffer.baseAddress.map { $0 + core.inputOffset }, UInt32(count))
            }
            if written < 0 {
                guard ssh_is_connected(session) != 0 else {
                    core.fail(.connectionLost(host: label, detail: Self.errorText(session)))
                    return true
                }
                // The connection is up, so the remote closed this channel: the command ended
                // without reading all its input (as a pipe's reader that exits). Drop the rest;
                // its exit status tells what happened.
                core.input = []
                core.inputOffset = 0
                progress = true
                break
            }
            core.inputOffset += Int(written)
            progress = true
            _ = readAvailable(core)  // keep the other direction moving between writes
        }
        if core.closeInputRequested && !core.hasInputToWrite && !core.eofSent {
            core.eofSent = true
            ssh_channel_send_eof(core.handle)
            progress = true
        }
        progress = readAvailable(core) || progress
        let closed = ssh_channel_is_closed(core.handle) != 0
        if !core.outputFinished && (closed || ssh_channel_is_eof(core.handle) != 0) {
            // readAvailable just emptied both buffers, so this is the real end of output.
            core.outputFinished = true
            core.stdout.finish()
            core.stderr.finish()
            progress = true
        }
        if closed {
            if ssh_is_connected(session) == 0 {
                core.fail(.connectionLost(host: label, detail: Self.errorText(session)))
            } else {
                // The remote closed the channel, so the exit status (if any) has arrived: no wait.
                core.finish(.success(ssh_channel_get_exit_status(core.handle)))
            }
            progress = true
        }
        return progress
    }

    private func readAvailable(_ core: ChannelCore) -> Bool {
        var progress = false
        for isStderr: Int32 in [0, 1] {
            while true {
                let available = ssh_channel_poll(core.handle, isStderr)
                if available <= 0 { break }  // 0: nothing yet; SSH_EOF; SSH_ERROR (seen by the loop)
                var buffer = [UInt8](repeating: 0, count: min(Int(available), 64 * 1024))
                let count = ssh_channel_read_nonblocking(core.handle, &buffer, UInt32(buffer.count), isStderr)
                if count <= 0 { break }
                buffer.removeSubrange(Int(count)...)
                (isStderr == 1 ? core.stderr : core.stdout).yield(buffer)
                progress = true
            }
        }
        return progress
    }
}
