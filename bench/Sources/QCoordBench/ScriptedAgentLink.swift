import Foundation
import QCoordCore
import QCoordRun

/// An in-process agent for the benchmarks: every task starts and finishes at once, reporting
/// a simulated duration (no sleeping).
public final class ScriptedAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: immutable after init; AsyncStream's continuation is thread-safe.
    public let host: String
    public let capabilities: HostCapabilities
    public let events: AsyncStream<[AgentEvent]>
    private let sink: AsyncStream<[AgentEvent]>.Continuation
    private let duration: @Sendable (String) -> Double

    public init(host: String, capabilities: HostCapabilities, duration: @escaping @Sendable (String) -> Double) {
        self.host = host
        self.capabilities = capabilities
        self.duration = duration
        (events, sink) = AsyncStream<[AgentEvent]>.makeStream()
    }

    public func run(_ task: CoordinatorMessage.RunTask) async {
        // As a real link delivers a short test's messages that arrive in one read: one batch.
        sink.yield([.message(.started(.init(taskID: task.taskID, qemuBin: nil, arch: task.arch, pid: 1))),
                    .message(.finished(.init(taskID: task.taskID, status: .pass, failReason: nil, timeS: duration(task.name))))])
    }

    public func cancel(taskID: String) async {}

    public func shutdown(grace: Duration) async { sink.finish() }
}
