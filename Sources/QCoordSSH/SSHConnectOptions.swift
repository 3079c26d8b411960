import Foundation

/// Everything needed to open one SSH session, as `ssh` would take it from its command line.
public struct SSHConnectOptions: Sendable {
    /// Which OpenSSH client config file applies.
    public enum ConfigFile: Sendable, Equatable {
        /// `HOME/.ssh/config` when it exists.
        case automatic
        /// No config file at all.
        case none
        /// This file (an error if it does not exist).
        case file(String)
    }

    /// A host name, address or `~/.ssh/config` alias.
    public var host: String
    /// The name shown in messages (inventory name); defaults to `host`.
    public var name: String?
    /// Overrides the config file's Port; 22 when neither gives one.
    public var port: Int?
    /// Overrides the config file's User; the local user when neither gives one.
    public var user: String?
    /// `-i` files, tried before the config file's IdentityFile and the default keys.
    public var identityFiles: [String]
    /// nil: `HOME/.ssh/known_hosts`.
    public var knownHostsFile: String?
    /// Record the key of a host that is not in known_hosts yet (never a changed key).
    public var acceptNewHostKeys: Bool
    public var configFile: ConfigFile
    /// Try ssh-agent first.
    public var useAgent: Bool
    /// nil: `SSH_AUTH_SOCK` from the environment.
    public var agentSocket: String?
    /// The home whose `.ssh` is used; nil: `$HOME`.
    public var homeDirectory: String?
    /// TCP connect plus key exchange.
    public var connectTimeout: Duration
    /// The limit for every later blocking libssh call (libssh waits forever without one).
    public var ioTimeout: Duration
    /// `TCP_USER_TIMEOUT`: unacknowledged data for this long kills the connection, so a cut
    /// link is noticed instead of hanging until TCP gives up (many minutes). nil: kernel default.
    public var tcpUserTimeout: Duration?

    public init(
        host: String, name: String? = nil, port: Int? = nil, user: String? = nil,
        identityFiles: [String] = [], knownHostsFile: String? = nil, acceptNewHostKeys: Bool = false,
        configFile: ConfigFile = .automatic, useAgent: Bool = true, agentSocket: String? = nil,
        homeDirectory: String? = nil, connectTimeout: Duration = .seconds(10),
        ioTimeout: Duration = .seconds(30), tcpUserTimeout: Duration? = .seconds(20)
    ) {
        self.host = host
        self.name = name
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.knownHostsFile = knownHostsFile
        self.acceptNewHostKeys = acceptNewHostKeys
        self.configFile = configFile
        self.useAgent = useAgent
        self.agentSocket = agentSocket
        self.homeDirectory = homeDirectory
        self.connectTimeout = connectTimeout
        self.ioTimeout = ioTimeout
        self.tcpUserTimeout = tcpUserTimeout
    }

    var resolvedHome: String {
        homeDirectory ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    }

    var resolvedKnownHostsFile: String {
        knownHostsFile ?? resolvedHome + "/.ssh/known_hosts"
    }

    /// The config file to parse, nil when none applies.
    var resolvedConfigFile: String? {
        switch configFile {
        case .none: return nil
        case .file(let path): return path
        case .automatic:
            let path = resolvedHome + "/.ssh/config"
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
    }
}

extension Duration {
    var wholeSecondsRoundedUp: Int {
        let (s, atto) = components
        return Int(s) + (atto > 0 ? 1 : 0)
    }

    var milliseconds: Int {
        let (s, atto) = components
        return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
    }
}
