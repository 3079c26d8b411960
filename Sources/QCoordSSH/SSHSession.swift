import CLibSSH
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One authenticated SSH connection to one host, confined to that host's own thread.
///
/// All libssh calls for the session, its channels and its SFTP sessions run synchronously on
/// the session's `HostThread` (libssh allows one thread per session at a time, and blocking
/// calls must stay off the cooperative pool). `SSHChannel` and `SFTPClient` are actors on the
/// same executor; they hold the session, and the session owns every C handle, so a child can
/// never outlive the session's `ssh_free` (libssh frees children with the session).
public actor SSHSession {
    /// The host as named in messages.
    public nonisolated let label: SSHHostLabel
    /// The user actually logged in as.
    public nonisolated let user: String
    nonisolated let thread: HostThread
    let options: SSHConnectOptions
    /// nil once disconnected.
    var handle: OpaquePointer?
    var event: OpaquePointer?
    var setupError: String?
    var channels: [Int: ChannelCore] = [:]
    var sftpSessions: [Int: sftp_session] = [:]
    /// Uploads in progress, in pieces (`sftpUploadPiece`): id → the open temporary file.
    var uploads: [Int: SFTPUpload] = [:]
    var nextID = 0
    var pumpRunning = false

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        thread.asUnownedSerialExecutor()
    }

    /// Connects, verifies the host key and authenticates; throws `SSHError`.
    public static func connect(_ options: SSHConnectOptions) async throws -> SSHSession {
        _ = libraryReady
        let session = SSHSession(options: options)
        try await session.establish()
        return session
    }

    /// Not throwing on purpose: a throwing init that fails after its stored properties are
    /// set still runs deinit, and freeing in both places is a double free. Failures are kept
    /// in `setupError` and thrown by `establish()`; the handle is freed only in deinit.
    private init(options: SSHConnectOptions) {
        self.options = options
        let session = ssh_new()
        self.handle = session
        var setupError: String? = session == nil ? "ssh_new failed" : nil
        var address = options.host
        var port = options.port ?? 22
        var user = options.user ?? SSHSession.localUser
        if let session {
            // Nothing else has the handle yet, so using it here (not on the host thread) is safe.
            var processConfig = false  // decide explicitly: never parse ~/.ssh/config behind our back
            ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &processConfig)
            var verbosity: Int32 = 0
            ssh_options_set(session, SSH_OPTIONS_LOG_VERBOSITY, &verbosity)
            ssh_options_set(session, SSH_OPTIONS_SSH_DIR, options.resolvedHome + "/.ssh")
            ssh_options_set(session, SSH_OPTIONS_HOST, options.host)
            if let config = options.resolvedConfigFile {
                if !FileManager.default.isReadableFile(atPath: config) {
                    setupError = "SSH config file \(config) cannot be read"
                } else if ssh_options_parse_config(session, config) != 0 {
                    setupError = "cannot parse SSH config file \(config): \(SSHSession.errorText(session))"
                }
            }
            // Explicit values win over the config file, as with ssh's command line.
            if let p = options.port {
                var value = UInt32(p)
                ssh_options_set(session, SSH_OPTIONS_PORT, &value)
            }
            if let u = options.user { ssh_options_set(session, SSH_OPTIONS_USER, u) }
            ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, options.resolvedKnownHostsFile)
            ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null")
            // Small request/response messages (agent protocol lines, SFTP) would otherwise sit
            // in Nagle's buffer waiting for a delayed ACK: 40 ms per round trip.
            var noDelay: Int32 = 1
            ssh_options_set(session, SSH_OPTIONS_NODELAY, &noDelay)
            if let socket = options.agentSocket { ssh_options_set(session, SSH_OPTIONS_IDENTITY_AGENT, socket) }
            // Without a timeout every blocking call after connect waits forever.
            var timeout = max(1, options.connectTimeout.wholeSecondsRoundedUp)
            ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout)

            var value: UnsafeMutablePointer<CChar>?
            if ssh_options_get(session, SSH_OPTIONS_HOST, &value) == SSH_OK, let value {
                address = String(cString: value)
                ssh_string_free_char(value)
            }
            var value2: UnsafeMutablePointer<CChar>?
            if ssh_options_get(session, SSH_OPTIONS_USER, &value2) == SSH_OK, let value2 {
                user = String(cString: value2)
                ssh_string_free_char(value2)
            }
            var effectivePort: UInt32 = 0
            if ssh_options_get_port(session, &effectivePort) == SSH_OK, effectivePort != 0 { port = Int(effectivePort) }
        }
        self.setupError = setupError
        self.label = SSHHostLabel(name: options.name ?? options.host, address: address, port: port)
        self.user = user
        self.thread = HostThread(name: options.name ?? options.host)
    }

    isolated deinit {
        closeEverything()
        if let handle { ssh_free(handle) }
        thread.stop()
    }

    /// Closes every channel and SFTP session, then the connection. Later calls throw `.closed`.
    public func disconnect() {
        guard let handle else { return }
        closeEverything()
        ssh_disconnect(handle)
        ssh_free(handle)
        self.handle = nil
    }

    /// Children first: libssh frees them with the session, so freeing them later would be a use after free.
    private func closeEverything() {
        for core in channels.values {
            core.fail(.closed(host: label))
            core.free()  // before ssh_free, here on the host thread
        }
        channels.removeAll()
        for sftp in sftpSessions.values { sftp_free(sftp) }
        sftpSessions.removeAll()
        if let event {
            if let handle { ssh_event_remove_session(event, handle) }
            ssh_event_remove_fd(event, thread.wakeDescriptor)
            ssh_event_free(event)
            self.event = nil
        }
    }

    /// Whether the connection is still up.
    public var isConnected: Bool {
        guard let handle else { return false }
        return ssh_is_connected(handle) != 0
    }

    /// Sends an SSH_MSG_IGNORE. libssh has no ServerAliveInterval; with TCP_USER_TIMEOUT set,
    /// unacknowledged data is what makes a cut link fail fast instead of hanging, so a caller
    /// that hears nothing for a while sends this and then sees `.connectionLost`.
    public func probe() throws {
        let session = try liveHandle()
        if ssh_send_ignore(session, "qcoord") != SSH_OK || ssh_is_connected(session) == 0 {
            throw SSHError.connectionLost(host: label, detail: Self.errorText(session))
        }
        startPumpIfNeeded()
    }

    func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw SSHError.closed(host: label) }
        return handle
    }

    private func establish() throws {
        let session = try liveHandle()
        if let setupError { throw SSHError.connectFailed(host: label, detail: setupError) }
        if ssh_connect(session) != SSH_OK {
            throw classifyConnectError(Self.errorText(session))
        }
        var io = max(1, options.ioTimeout.wholeSecondsRoundedUp)
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &io)
        if let userTimeout = options.tcpUserTimeout {
            var ms = UInt32(userTimeout.milliseconds)
            let fd = ssh_get_fd(session)
            // Fails harmlessly on a ProxyCommand socketpair; a real TCP socket takes it.
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &ms, socklen_t(MemoryLayout<UInt32>.size))
        }
        try verifyHostKey(session)
        try authenticate(session)
        guard let event = ssh_event_new() else {
            throw SSHError.connectFailed(host: label, detail: "ssh_event_new failed")
        }
        self.event = event
        ssh_event_add_session(event, session)
        ssh_event_add_fd(event, thread.wakeDescriptor, Int16(POLLIN), { fd, _, _ in
            HostThread.drain(fd)
            return 0
        }, nil)
    }

    private func classifyConnectError(_ text: String) -> SSHError {
        let lower = text.lowercased()
        if lower.contains("connection refused") { return .connectionRefused(host: label) }
        if lower.contains("timeout") || lower.contains("timed out") {
            return .connectTimeout(host: label, seconds: options.connectTimeout.wholeSecondsRoundedUp)
        }
        if lower.contains("resolve") || lower.contains("name or service not known") {
            return .unresolvedHost(host: label, detail: text)
        }
        return .connectFailed(host: label, detail: text)
    }

    // MARK: host key

    /// Serializes known_hosts updates between sessions of this process; an flock on the
    /// file does the same between processes.
    private static let knownHostsLock = NSLock()

    private func verifyHostKey(_ session: OpaquePointer) throws {
        let file = options.resolvedKnownHostsFile
        let fingerprint = Self.serverFingerprint(session) ?? "unknown fingerprint"
        let state = ssh_session_is_known_server(session)
        switch state {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED:
            throw SSHError.hostKeyChanged(host: label, fingerprint: fingerprint, knownHostsFile: file)
        case SSH_KNOWN_HOSTS_OTHER:
            throw SSHError.hostKeyTypeMismatch(host: label, fingerprint: fingerprint, knownHostsFile: file)
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            guard options.acceptNewHostKeys else {
                throw SSHError.unknownHostKey(host: label, fingerprint: fingerprint, knownHostsFile: file)
            }
            try recordHostKey(session, file: file)
        default:
            throw SSHError.knownHostsUnusable(host: label, knownHostsFile: file, detail: Self.errorText(session))
        }
    }

    private func recordHostKey(_ session: OpaquePointer, file: String) throws {
        let directory = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        Self.knownHostsLock.lock()
        defer { Self.knownHostsLock.unlock() }
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SSHError.knownHostsUnusable(host: label, knownHostsFile: file, detail: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        // Another session may have recorded it while we waited for the lock.
        let again = ssh_session_is_known_server(session)
        if again == SSH_KNOWN_HOSTS_OK { return }
        if again == SSH_KNOWN_HOSTS_CHANGED || again == SSH_KNOWN_HOSTS_OTHER {
            throw SSHError.hostKeyChanged(host: label, fingerprint: Self.serverFingerprint(session) ?? "?", knownHostsFile: file)
        }
        if ssh_session_update_known_hosts(session) != SSH_OK {
            throw SSHError.knownHostsUnusable(host: label, knownHostsFile: file, detail: Self.errorText(session))
        }
    }

    /// "SHA256:…" of the key the server presented.
    static func serverFingerprint(_ session: OpaquePointer) -> String? {
        var key: ssh_key?
        guard ssh_get_server_publickey(session, &key) == SSH_OK, let key else { return nil }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let digest = hash else { return nil }
        defer { ssh_clean_pubkey_hash(&hash) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, digest, length) else { return nil }
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }

    // MARK: authentication

    private func authenticate(_ session: OpaquePointer) throws {
        var tried: [String] = []
        let home = options.resolvedHome
        func pretty(_ path: String) -> String {
            path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
        }
        if options.useAgent, let socket = options.agentSocket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !socket.isEmpty {
            let rc = ssh_userauth_agent(session, nil)
            if rc == SSH_AUTH_SUCCESS.rawValue { return }
            if rc == SSH_AUTH_ERROR.rawValue, ssh_is_connected(session) == 0 {
                throw SSHError.connectionLost(host: label, detail: Self.errorText(session))
            }
            tried.append("ssh-agent (\(socket))")
        }
        var candidates: [(path: String, explicit: Bool)] = options.identityFiles.map { ($0, true) }
        if let config = options.resolvedConfigFile, let text = try? String(contentsOfFile: config, encoding: .utf8) {
            candidates += SSHConfigFile(text: text).identityFiles(forHost: options.host, home: home).map { ($0, true) }
        }
        candidates += ["id_ed25519", "id_ecdsa", "id_rsa"].map { (home + "/.ssh/" + $0, false) }
        var seen = Set<String>()
        for (path, explicit) in candidates where seen.insert(path).inserted {
            guard FileManager.default.fileExists(atPath: path) else {
                if explicit { tried.append("\(pretty(path)) (no such file)") }
                continue
            }
            var key: ssh_key?
            guard ssh_pki_import_privkey_file(path, nil, nil, nil, &key) == SSH_OK, let key else {
                tried.append("\(pretty(path)) (unreadable or passphrase-protected; load it into ssh-agent)")
                continue
            }
            let rc = ssh_userauth_publickey(session, nil, key)
            ssh_key_free(key)
            if rc == SSH_AUTH_SUCCESS.rawValue { return }
            if rc == SSH_AUTH_ERROR.rawValue, ssh_is_connected(session) == 0 {
                throw SSHError.connectionLost(host: label, detail: Self.errorText(session))
            }
            tried.append(pretty(path))
        }
        throw SSHError.authenticationFailed(host: label, user: user, tried: tried)
    }

    // MARK: helpers

    static func errorText(_ session: OpaquePointer) -> String {
        guard let text = ssh_get_error(UnsafeMutableRawPointer(session)) else { return "unknown libssh error" }
        let s = String(cString: text)
        return s.isEmpty ? "unknown libssh error" : s
    }

    static var localUser: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }

    /// Process-wide setup, once: libssh's agent code writes with plain send(), so a dead
    /// agent socket would kill the process with SIGPIPE.
    static let libraryReady: Void = {
        signal(SIGPIPE, SIG_IGN)
        ssh_init()
    }()

    func makeID() -> Int {
        nextID += 1
        return nextID
    }
}
