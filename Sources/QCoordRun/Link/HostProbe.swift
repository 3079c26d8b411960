import Foundation
import QCoordCore
import QCoordSSH

/// Connects to every host at once, starts its agent, reads `ready`, and shuts it down.
public enum HostProbe {
    public static func probe(_ inventory: Inventory, settings: SSHSettings, log: JobLog) async -> [HostProbeResult] {
        let links = await SSHAgentLinks.start(inventory, settings: settings, hello: .init(jobID: "hosts"), log: log)
        return await withTaskGroup(of: (Int, HostProbeResult).self) { group in
            for (index, (host, result)) in links.enumerated() {
                group.addTask {
                    switch result {
                    case .failure(let error):
                        return (index, HostProbeResult(host: host, outcome: .failure(error)))
                    case .success(let link):
                        var roundTrip: Duration?
                        if let sftp = try? await link.session.sftp() {
                            let start = ContinuousClock.now
                            if (try? await sftp.stat(".")) != nil { roundTrip = ContinuousClock.now - start }
                        }
                        let caps = link.capabilities
                        await link.shutdown(grace: .seconds(5))
                        return (index, HostProbeResult(host: host, outcome: .success(caps), roundTrip: roundTrip,
                                                       connectTime: link.connectTime, readyTime: link.readyTime))
                    }
                }
            }
            var results: [(Int, HostProbeResult)] = []
            for await item in group { results.append(item) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// `qcoord hosts` without hosts: the local agent as a job in `workdir` starts it (same
    /// python, same hello), its `ready`, then shut down.
    public static func local(python: String, workdir: String, log: JobLog) async -> Result<HostCapabilities, RunError> {
        let hello = CoordinatorMessage.Hello(jobID: "hosts", qemuSearch: JobHosts.localSearch(.init(), python: python, workdir: workdir, treeRoot: nil),
                                             hostName: "local")
        do {
            let link = try await LocalAgentLink.start(python: python, hello: hello, log: log)
            let caps = link.capabilities
            await link.shutdown(grace: .seconds(5))
            return .success(caps)
        } catch let error as RunError {
            return .failure(error)
        } catch {
            return .failure(.agentStart(host: "local", reason: "\(error)"))
        }
    }

}
