/// Everything that can go wrong talking to a host over SSH, each with a message a user can act on.
public enum SSHError: Error, Sendable, CustomStringConvertible {
    /// Nothing listens on the port (TCP RST).
    case connectionRefused(host: SSHHostLabel)
    /// The TCP connection or key exchange did not finish within the connect timeout.
    case connectTimeout(host: SSHHostLabel, seconds: Int)
    /// The name does not resolve.
    case unresolvedHost(host: SSHHostLabel, detail: String)
    /// Any other failure to connect (route, key exchange, proxy command …).
    case connectFailed(host: SSHHostLabel, detail: String)
    /// The host's key is not in the known_hosts file and accept-new was not given.
    case unknownHostKey(host: SSHHostLabel, fingerprint: String, knownHostsFile: String)
    /// The known_hosts file holds a different key of the same type: refused, always.
    case hostKeyChanged(host: SSHHostLabel, fingerprint: String, knownHostsFile: String)
    /// The known_hosts file holds a key of another type for the host: refused, always.
    case hostKeyTypeMismatch(host: SSHHostLabel, fingerprint: String, knownHostsFile: String)
    /// known_hosts could not be read or updated.
    case knownHostsUnusable(host: SSHHostLabel, knownHostsFile: String, detail: String)
    /// No method was accepted. `tried` names each attempt ("ssh-agent", "~/.ssh/id_ed25519" …).
    case authenticationFailed(host: SSHHostLabel, user: String, tried: [String])
    /// A channel could not be opened or a command not started.
    case channelFailed(host: SSHHostLabel, detail: String)
    /// The connection died while in use.
    case connectionLost(host: SSHHostLabel, detail: String)
    /// An operation did not finish in time.
    case timeout(host: SSHHostLabel, operation: String)
    /// An SFTP operation failed.
    case sftpFailed(host: SSHHostLabel, operation: String, path: String, detail: String)
    /// The session was already disconnected.
    case closed(host: SSHHostLabel)

    public var host: SSHHostLabel {
        switch self {
        case .connectionRefused(let h), .connectTimeout(let h, _), .unresolvedHost(let h, _),
             .connectFailed(let h, _), .unknownHostKey(let h, _, _), .hostKeyChanged(let h, _, _),
             .hostKeyTypeMismatch(let h, _, _), .knownHostsUnusable(let h, _, _),
             .authenticationFailed(let h, _, _), .channelFailed(let h, _), .connectionLost(let h, _),
             .timeout(let h, _), .sftpFailed(let h, _, _, _), .closed(let h):
            return h
        }
    }

    public var description: String {
        let h = "host \(host)"
        switch self {
        case .connectionRefused:
            return "\(h): connection refused — is sshd running on port \(host.port)?"
        case .connectTimeout(_, let seconds):
            return "\(h): no SSH connection within \(seconds) s — is the host up and port \(host.port) reachable (firewall)?"
        case .unresolvedHost(_, let detail):
            return "\(h): cannot resolve '\(host.address)' (\(detail)) — check the name or use an IP address"
        case .connectFailed(_, let detail):
            return "\(h): cannot connect: \(detail)"
        case .unknownHostKey(_, let fp, let file):
            return "\(h): host key not known (\(fp)) in \(file); verify the fingerprint and rerun with --accept-new-host-keys to record it, or add it with: ssh-keyscan -p \(host.port) \(host.address) >> \(file)"
        case .hostKeyChanged(_, let fp, let file):
            return "\(h): host key changed (\(fp)); it does not match the key recorded in \(file) — possible man-in-the-middle. Remove the old key with ssh-keygen -R '\(host.knownHostsName)' -f \(file) if this is expected"
        case .hostKeyTypeMismatch(_, let fp, let file):
            return "\(h): the host offered a key (\(fp)) of a type other than the one recorded in \(file); refusing. Remove the old key with ssh-keygen -R '\(host.knownHostsName)' -f \(file) if this is expected"
        case .knownHostsUnusable(_, let file, let detail):
            return "\(h): cannot use known_hosts file \(file): \(detail)"
        case .authenticationFailed(_, let user, let tried):
            let list = tried.isEmpty ? "no key was available (no ssh-agent, no identity file found)" : "tried " + tried.joined(separator: ", ")
            return "authentication failed for \(user)@\(host.nameOrAddress): \(list); add your public key to the host's authorized_keys, load it into ssh-agent, or pass -i KEYFILE"
        case .channelFailed(_, let detail):
            return "\(h): cannot start a command: \(detail)"
        case .connectionLost(_, let detail):
            return "\(h): connection lost: \(detail)"
        case .timeout(_, let operation):
            return "\(h): \(operation) timed out"
        case .sftpFailed(_, let operation, let path, let detail):
            return "\(h): SFTP \(operation) \(path) failed: \(detail)"
        case .closed:
            return "\(h): the SSH session is already closed"
        }
    }
}
