import QCoordCore

/// Waits for an agent's `ready`, shared by every link kind so all of them time out alike.
enum ReadyWait {
    /// The first result on `stream`, or a failure when the stream ends (`endedReason`),
    /// `timeout` passes or the caller is cancelled.
    static func first(_ stream: AsyncStream<Result<HostCapabilities, RunError>>, host: String,
                      timeout: Duration, endedReason: String) async -> Result<HostCapabilities, RunError> {
        await withTaskGroup(of: Result<HostCapabilities, RunError>?.self) { group in
            group.addTask {
                for await r in stream { return r }
                return .failure(.agentStart(host: host, reason: endedReason))
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(.agentStart(host: host, reason: "no 'ready' within \(timeout)"))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.agentStart(host: host, reason: "cancelled"))
        }
    }
}
