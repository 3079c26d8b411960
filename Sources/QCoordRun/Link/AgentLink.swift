import QCoordCore

/// One live agent on one host. Events (including the link's own death) arrive on `events`.
public protocol AgentLink: Sendable {
    /// The host's name in reports (`local` for the local agent).
    var host: String { get }
    var capabilities: HostCapabilities { get }
    /// Sends one task; its progress comes back on `events`.
    func run(_ task: CoordinatorMessage.RunTask) async
    /// Asks the agent to stop a running task (it then reports it `finished` INTERRUPTED).
    func cancel(taskID: String) async
    /// In order, in batches: the events one read brought (an agent's `started` and `finished` of a
    /// short test often come together), handed over at once — one wake-up of the Coordinator each.
    var events: AsyncStream<[AgentEvent]> { get }
    /// Asks the agent to exit; kills it after `grace`.
    func shutdown(grace: Duration) async
}

/// What a link reports: an agent message, or that the link is gone (the stream then ends).
public enum AgentEvent: Sendable, Hashable {
    case message(AgentMessage)
    case lost(reason: String)
}
