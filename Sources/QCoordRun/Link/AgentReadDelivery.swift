import QCoordCore

/// What every link does with one read of its agent's output, so the local and SSH links cannot
/// drift apart: `ready` to the start-up wait, the read's messages to the Coordinator as one
/// batch (see `AgentLink.events`), early agent errors to the job log.
enum AgentReadDelivery {
    /// Delivers `items`; returns the error that broke the stream, if one did. The messages read
    /// before it are delivered first, and a start-up still waiting learns of it; the caller
    /// then reports the host lost and stops reading.
    static func deliver(_ items: [AgentOutputReader.Item], host: String, log: JobLog,
                        ready: AsyncStream<Result<HostCapabilities, RunError>>.Continuation,
                        events: AsyncStream<[AgentEvent]>.Continuation) -> AgentWireError? {
        var batch: [AgentEvent] = []
        defer { if !batch.isEmpty { events.yield(batch) } }
        for item in items {
            switch item {
            case .ready(let caps):
                ready.yield(.success(caps))
                ready.finish()
            case .errorBeforeReady(let text):
                log.error("host \(host): agent error before ready: \(text)")
            case .message(let message):
                batch.append(.message(message))
            case .broken(let error):
                ready.yield(.failure(.agentStart(host: host, reason: "\(error)")))
                return error
            }
        }
        return nil
    }
}
