import Foundation
import QCoordCore
@testable import QCoordRun

/// An in-process, scripted agent: each test name maps to what the "agent" does with it.
final class FakeAgentLink: AgentLink, @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`.
    enum Behaviour: Sendable {
        case finish(TestStatus, String?, output: String = "")
        /// Runs until cancelled, then reports INTERRUPTED.
        case hang
        /// Runs until cancelled and ignores the cancel.
        case ignoreCancel
        /// The link dies while running this test.
        case die
        /// Sends a file chunk with this name, then passes.
        case file(String)
        /// Finishes with this status after `seconds` (unless cancelled first: then INTERRUPTED).
        case finishAfter(Double, TestStatus, String?)
    }

    let host: String
    let capabilities: HostCapabilities
    let events: AsyncStream<[AgentEvent]>
    private let sink: AsyncStream<[AgentEvent]>.Continuation
    private let script: @Sendable (String) -> Behaviour
    private let lock = NSLock()
    private var running: [String: Behaviour] = [:]
    private(set) var received: [CoordinatorMessage.RunTask] = []
    private(set) var cancelled: [String] = []

    /// - Parameter qemu: the arches whose qemu-system binary the host reports.
    init(host: String = "fake", qemu: [String] = [], script: @escaping @Sendable (String) -> Behaviour) {
        self.host = host
        self.script = script
        capabilities = HostCapabilities(host: host, arch: "x86_64", cpus: 2, kvm: false, python: "3.11", avocado: "113.0",
                                        qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/usr/bin/qemu-system-" + $0, version: "7.2")) }))
        (events, sink) = AsyncStream<[AgentEvent]>.makeStream()
    }

    var runCount: Int { lock.withLock { received.count } }

    func run(_ task: CoordinatorMessage.RunTask) async {
        // As the real agent: the plan's binary, or a refusal when this host does not hold it.
        let holds = task.qemuBin.map { bin in capabilities.qemu.values.contains { $0.path == bin } } ?? true
        let behaviour = holds ? script(task.name)
            : .finish(.cancel, "qemu-system binary \(task.qemuBin ?? "") (\(task.arch ?? "")) is not on host \(host) any more")
        lock.withLock { received.append(task); running[task.taskID] = behaviour }
        // What a real link hands over from one read: the task's messages so far, as one batch.
        var batch: [AgentEvent] = [.message(.started(.init(taskID: task.taskID, qemuBin: task.qemuBin, arch: task.arch, pid: 1)))]
        switch behaviour {
        case .finish(let status, let reason, let output):
            if !output.isEmpty {
                batch.append(.message(.output(.init(taskID: task.taskID, stream: "stdout",
                                                   dataB64: Data(output.utf8).base64EncodedString()))))
            }
            batch.append(.message(.finished(.init(taskID: task.taskID, status: status, failReason: reason, timeS: 0.25))))
            sink.yield(batch)
        case .file(let name):
            batch.append(.message(.file(.init(taskID: task.taskID, name: name, offset: 0,
                                             dataB64: Data("x".utf8).base64EncodedString(), last: true))))
            batch.append(.message(.finished(.init(taskID: task.taskID, status: .pass, failReason: nil, timeS: 0.1))))
            sink.yield(batch)
        case .hang, .ignoreCancel:
            sink.yield(batch)
        case .finishAfter(let seconds, let status, let reason):
            sink.yield(batch)
            let sink = self.sink
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                sink.yield([.message(.finished(.init(taskID: task.taskID, status: status, failReason: reason, timeS: seconds)))])
            }
        case .die:
            batch.append(.lost(reason: "agent crashed"))
            sink.yield(batch)
            sink.finish()
        }
    }

    func cancel(taskID: String) async {
        let behaviour = lock.withLock { cancelled.append(taskID); return running[taskID] }
        if case .hang? = behaviour {
            sink.yield([.message(.finished(.init(taskID: taskID, status: .interrupted,
                                                failReason: "Test interrupted: cancelled", timeS: 0.5)))])
        }
    }

    func shutdown(grace: Duration) async { sink.finish() }

    /// Sends an event as if the agent had (a late message from an earlier life of the host).
    func inject(_ event: AgentEvent) { sink.yield([event]) }
}

/// Collects console output.
final class ConsoleRecorder: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
    var console: Console {
        Console(out: { s in self.lock.withLock { self.outText += s } }, err: { s in self.lock.withLock { self.errText += s } })
    }
}
