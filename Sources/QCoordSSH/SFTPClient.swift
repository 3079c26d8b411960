/// SFTP on an open session: the few file operations qcoord needs on a host.
///
/// An actor on the session's executor: every call runs on the host thread, where it uses
/// the C handle the session owns (so it is freed before the session). Paths are remote.
public actor SFTPClient {
    public nonisolated let session: SSHSession
    nonisolated let id: Int

    public nonisolated var unownedExecutor: UnownedSerialExecutor { session.unownedExecutor }

    init(session: SSHSession, id: Int) {
        self.session = session
        self.id = id
    }

    isolated deinit {
        let id = self.id
        session.assumeIsolated { $0.releaseSFTP(id) }
    }

    /// Creates `path` and its missing parents; fine when it exists (or another host sharing
    /// the home directory creates it at the same time).
    public func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws {
        let id = self.id
        try session.assumeIsolated { try $0.sftpMakeDirectories(id, path, mode: mode) }
    }

    /// The file's size and type, nil when it does not exist.
    public func stat(_ path: String) throws -> SFTPFileInfo? {
        let id = self.id
        return try session.assumeIsolated { try $0.sftpStat(id, path) }
    }

    /// Writes `bytes` to a temporary name in the same directory, in 64 KiB packets
    /// (OpenSSH drops the SFTP channel on packets over 256 KiB), then renames it over `path`,
    /// so a reader never sees a partial file. Fine when `path` already holds the same content;
    /// other content is replaced (SFTP v3 rename cannot overwrite, so the old file is removed
    /// first and a reader may briefly find none).
    public func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws {
        let id = self.id
        try session.assumeIsolated { try $0.sftpWriteAtomically(id, path, bytes, mode: mode) }
    }

    /// Reads a whole (small) file; throws when it is bigger than `limit`.
    public func read(_ path: String, limit: Int = 16 * 1024 * 1024) throws -> [UInt8] {
        let id = self.id
        return try session.assumeIsolated { try $0.sftpRead(id, path, limit: limit) }
    }

    /// Removes a file; fine when it does not exist.
    public func remove(_ path: String) throws {
        let id = self.id
        try session.assumeIsolated { try $0.sftpRemove(id, path) }
    }

    /// The names in a directory, without "." and "..".
    public func list(_ path: String) throws -> [String] {
        let id = self.id
        return try session.assumeIsolated { try $0.sftpList(id, path) }
    }

    /// The absolute form of `path` on the host ("." is the login directory).
    public func canonicalPath(_ path: String) throws -> String {
        let id = self.id
        return try session.assumeIsolated { try $0.sftpCanonicalPath(id, path) }
    }

    /// Streams the local file `source` to `path` through a temporary name in the same directory
    /// (64 KiB packets), then renames it over `path`: a cut transfer never leaves a partial
    /// `path`. Returns the bytes sent; `progress` is told the bytes so far, every 4 MiB.
    ///
    /// Sent 1 MiB per turn on the host thread, suspending between turns: the agent's channel on
    /// the same session keeps being served (heartbeats, results) however long the file is.
    public func uploadAtomically(from source: String, to path: String, mode: UInt32 = 0o644,
                                 progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        let id = self.id
        let upload = try await session.sftpUploadStart(id, source: source, path, mode: mode)
        var total = 0
        var lastReport = 0
        do {
            while true {
                let sent = try await session.sftpUploadPiece(upload, limit: 1 << 20)
                if sent == 0 { break }
                total += sent
                if total - lastReport >= 4 * 1024 * 1024 {
                    lastReport = total
                    progress?(total)
                }
                await Task.yield()
                try Task.checkCancellation()
            }
            try await session.sftpUploadFinish(upload, commit: true)
        } catch {
            try? await session.sftpUploadFinish(upload, commit: false)
            throw error
        }
        progress?(total)
        return total
    }

    /// The regular files in a directory, with size and modification time.
    public func listFiles(_ path: String) throws -> [SFTPDirectoryEntry] {
        let id = self.id
        return try session.assumeIsolated { try $0.sftpListFiles(id, path) }
    }

    /// Sets a file's access and modification times (seconds since the epoch).
    public func setTimes(_ path: String, seconds: Int) throws {
        let id = self.id
        try session.assumeIsolated { try $0.sftpSetTimes(id, path, seconds: seconds) }
    }

    /// Makes `path` a symbolic link to `target` (relative to `path`'s directory) unless it is one.
    public func ensureSymlink(_ path: String, target: String) throws {
        let id = self.id
        try session.assumeIsolated { try $0.sftpEnsureSymlink(id, path, target: target) }
    }
}
