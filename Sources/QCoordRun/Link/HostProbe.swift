import Foundation
import QCoordCore
import QCoordSSH

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
