import Foundation
import QCoordCore
import QCoordSSH

/// SSH settings that apply to every host of a job (the command line's).
public struct SSHSettings: Sendable {
    public var knownHostsFile: String?
    public var acceptNewHostKeys: Bool
    /// `-i` files, tried after the host's own `identity`.
    public var identityFiles: [String]
    public var connectTimeout: Duration

    public init(knownHostsFile: String? = nil, acceptNewHostKeys: Bool = false, identityFiles: [String] = [],
                connectTimeout: Duration = .seconds(10)) {
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
                          connectTimeout: connectTimeout)
    }

    /// What the agent on `host` is told about finding QEMU.
    public static func qemuSearch(for host: InventoryHost) -> CoordinatorMessage.QemuSearch {
        .init(dirs: host.qemuDirs, pathSearch: host.qemuPathSearch, overrides: host.qemuBin, python: host.python)
    }
}

/// What `qcoord hosts` learns about one host: its agent's `ready`, or why it is unreachable.
public struct HostProbeResult: Sendable {
    public var host: InventoryHost
    public var outcome: Result<HostCapabilities, RunError>
    /// One SFTP request/response on the established session.
    public var roundTrip: Duration?
    public var connectTime: Duration?
}

/// Connects to every host at once, starts its agent, reads `ready`, and shuts it down.
public enum HostProbe {
    public static func probe(_ inventory: Inventory, settings: SSHSettings, log: JobLog) async -> [HostProbeResult] {
        await withTaskGroup(of: HostProbeResult.self) { group in
            for host in inventory.hosts {
                group.addTask { await probe(host, settings: settings, log: log) }
            }
            var results: [HostProbeResult] = []
            for await result in group { results.append(result) }
            let order = Dictionary(uniqueKeysWithValues: inventory.hosts.enumerated().map { ($1.name, $0) })
            return results.sorted { order[$0.host.name, default: 0] < order[$1.host.name, default: 0] }
        }
    }

    static func probe(_ host: InventoryHost, settings: SSHSettings, log: JobLog) async -> HostProbeResult {
        do {
            let hello = CoordinatorMessage.Hello(jobID: "hosts", qemuSearch: SSHSettings.qemuSearch(for: host))
            let link = try await SSHAgentLink.start(host: host.name, ssh: settings.options(for: host),
                                                    python: host.python ?? "python3", hello: hello, log: log,
                                                    readyTimeout: .seconds(60))
            var roundTrip: Duration?
            if let sftp = try? await link.session.sftp() {
                let start = ContinuousClock.now
                if (try? await sftp.stat(".")) != nil { roundTrip = ContinuousClock.now - start }
            }
            let caps = link.capabilities
            await link.shutdown(grace: .seconds(5))
            return HostProbeResult(host: host, outcome: .success(caps), roundTrip: roundTrip, connectTime: link.connectTime)
        } catch let error as RunError {
            return HostProbeResult(host: host, outcome: .failure(error))
        } catch {
            return HostProbeResult(host: host, outcome: .failure(.agentStart(host: host.name, reason: "\(error)")))
        }
    }
}
