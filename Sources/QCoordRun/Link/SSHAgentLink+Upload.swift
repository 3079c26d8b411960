import QCoordSSH

extension SSHAgentLink {
    /// Uploads the agent for `source` unless the host has it already (named by content hash:
    /// the same size there means the same file, as it is written atomically). Returns whether
    /// it uploaded.
    @discardableResult
    public static func uploadAgentIfNeeded(_ sftp: SFTPClient, source: String = AgentBundle.source) async throws -> Bool {
        let path = remoteAgentPath(source: source)
        let bytes = Array(source.utf8)
        if try await sftp.stat(path)?.size == UInt64(bytes.count) { return false }
        try await sftp.makeDirectories(".cache/qcoord/agents", mode: 0o700)
        try await sftp.writeAtomically(path, bytes, mode: 0o600)
        return true
    }
}
