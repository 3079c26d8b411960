import QCoordCore

/// Starting the agents of many hosts at once, for a job or for `qcoord hosts`.
public enum SSHAgentLinks {
    /// One started link, or why the host cannot be used, per host and in inventory order.
    /// Every host is tried in parallel (each SSH session has its own thread).
    /// - Parameter hello: sent to every agent, with the host's own `qemu_search`.
    public static func start(_ inventory: Inventory, settings: SSHSettings, hello: CoordinatorMessage.Hello,
                             log: JobLog, readyTimeout: Duration = .seconds(60)) async -> [(host: InventoryHost, link: Result<SSHAgentLink, RunError>)] {
        await withTaskGroup(of: (Int, Result<SSHAgentLink, RunError>).self) { group in
            for (index, host) in inventory.hosts.enumerated() {
                group.addTask {
                    do {
                        let link = try await startOne(host, settings: settings, hello: hello, log: log, readyTimeout: readyTimeout)
                        return (index, .success(link))
                    } catch let error as RunError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(.agentStart(host: host.name, reason: "\(error)")))
                    }
                }
            }
            var byIndex: [Int: Result<SSHAgentLink, RunError>] = [:]
            for await (index, result) in group { byIndex[index] = result }
            return inventory.hosts.enumerated().compactMap { index, host in byIndex[index].map { (host, $0) } }
        }
    }

    /// One host's agent (at the job's start, or when a lost host is reconnected).
    public static func startOne(_ host: InventoryHost, settings: SSHSettings, hello: CoordinatorMessage.Hello,
                                log: JobLog, readyTimeout: Duration = .seconds(60)) async throws -> SSHAgentLink {
        var hostHello = hello
        hostHello.qemuSearch = SSHSettings.qemuSearch(for: host)
        hostHello.hostName = host.name
        // A coordinator gone without closing the connection (a cut network, a suspended
        // laptop) stops the host's tests after this long.
        hostHello.coordinatorIdleLimitS = SSHAgentLink.coordinatorIdleLimit
        hostHello.env = hello.env.merging(host.env) { _, own in own }
        return try await SSHAgentLink.start(host: host.name, ssh: settings.options(for: host),
                                            python: host.python ?? "python3", hello: hostHello,
                                            log: log, readyTimeout: readyTimeout, idleLimit: settings.idleLimit)
    }
}
