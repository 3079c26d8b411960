import Foundation
import QCoordCore
import QCoordRun

/// An in-process agent for the benchmarks: every task starts and finishes at once, reporting
/// a simulated duration (no sleeping).
final class ScriptedAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: immutable after init; AsyncStream's continuation is thread-safe.
    let host: String
    let capabilities: HostCapabilities
    let events: AsyncStream<[AgentEvent]>
    private let sink: AsyncStream<[AgentEvent]>.Continuation
    private let duration: @Sendable (String) -> Double

    init(host: String, capabilities: HostCapabilities, duration: @escaping @Sendable (String) -> Double) {
        self.host = host
        self.capabilities = capabilities
        self.duration = duration
        (events, sink) = AsyncStream<[AgentEvent]>.makeStream()
    }

    func run(_ task: CoordinatorMessage.RunTask) async {
        // As a real link delivers a short test's messages that arrive in one read: one batch.
        sink.yield([.message(.started(.init(taskID: task.taskID, qemuBin: nil, arch: task.arch, pid: 1))),
                    .message(.finished(.init(taskID: task.taskID, status: .pass, failReason: nil, timeS: duration(task.name))))])
    }

    func cancel(taskID: String) async {}

    func shutdown(grace: Duration) async { sink.finish() }
}
