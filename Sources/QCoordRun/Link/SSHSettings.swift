import QCoordCore
import QCoordSSH

/// SSH settings that apply to every host of a job (the command line's).
public struct SSHSettings: Sendable {
    public var knownHostsFile: String?
    public var acceptNewHostKeys: Bool
    /// `-i` files, tried after the host's own `identity`.
    public var identityFiles: [String]
    public var connectTimeout: Duration
    /// `--host-idle-limit`: a host whose agent is silent this long (no heartbeat) is lost; also
    /// the socket's TCP_USER_TIMEOUT, so a cut link fails as fast.
    public var idleLimit: Duration

    public init(knownHostsFile: String? = nil, acceptNewHostKeys: Bool = false, identityFiles: [String] = [],
                connectTimeout: Duration = .seconds(10), idleLimit: Duration = SSHAgentLink.defaultIdleLimit) {
        self.idleLimit = idleLimit
        self.knownHostsFile = knownHostsFile
        self.acceptNewHostKeys = acceptNewHostKeys
        self.identityFiles = identityFiles
        self.connectTimeout = connectTimeout
    }

    /// How to connect to `host`: its address, port, user and identity, then these settings;
    /// ~/.ssh/config applies to whatever neither gives.
    public func options(for host: InventoryHost) -> SSHConnectOptions {
        SSHConnectOptions(host: host.address, name: host.name, port: host.port, user: host.user,
                          identityFiles: (host.identity.map { [$0] } ?? []) + identityFiles,
                          knownHostsFile: knownHostsFile, acceptNewHostKeys: acceptNewHostKeys,
                          connectTimeout: connectTimeout, tcpUserTimeout: idleLimit)
    }

    /// What the agent on `host` is told about finding QEMU: its `qemu_dirs`, then its own test
    /// tree (`workdir`) and that tree's `build/` (a QEMU build dir), then PATH.
    public static func qemuSearch(for host: InventoryHost) -> CoordinatorMessage.QemuSearch {
        let tree = host.workdir.map { [$0, $0 + "/build"] } ?? []
        return .init(dirs: host.qemuDirs + tree.filter { !host.qemuDirs.contains($0) }, pathSearch: host.qemuPathSearch,
                     overrides: host.qemuBin, python: host.python)
    }
}
