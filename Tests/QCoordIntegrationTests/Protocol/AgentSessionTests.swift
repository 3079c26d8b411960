import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import QCoordCore
import QCoordRun

private let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A real agent process driven with the Swift encoder/decoder, as the coordinator will.
private final class AgentSession {
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    var splitter = LineSplitter()
    var pending: [AgentMessage] = []

    init(arguments: [String], preamble: [UInt8] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u"] + arguments
        process.currentDirectoryURL = repoRoot
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Whatever happens in the test, the agent is gone after 60 s (its EOF ends our reads).
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
        if !preamble.isEmpty { stdin.fileHandleForWriting.write(Data(preamble)) }
    }

    func send(_ message: CoordinatorMessage) throws {
        stdin.fileHandleForWriting.write(Data(try AgentWire.encodeLine(message)))
    }

    /// The next message other than heartbeats; nil at EOF.
    func next() throws -> AgentMessage? {
        while true {
            if !pending.isEmpty {
                let message = pending.removeFirst()
                if message == .heartbeat { continue }
                return message
            }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            for line in splitter.push([UInt8](chunk)) {
                pending.append(try AgentWire.decodeAgentMessage(line.get()).get())
            }
        }
    }

    func close() -> Int32 {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

private func hello() -> CoordinatorMessage {
    .hello(.init(jobID: "swift-it", env: ["AVOCADO_ALLOW_UNTRUSTED_CODE": "1"],
                 qemuSearch: .init(dirs: ["/usr/bin"], pathSearch: false)))
}

private func runToEnd(_ session: AgentSession, _ task: CoordinatorMessage.RunTask) throws
    -> (started: AgentMessage.Started?, stdout: [UInt8], finished: AgentMessage.Finished?) {
    try session.send(.run(task))
    var started: AgentMessage.Started?
    var out: [UInt8] = []
    while let message = try session.next() {
        switch message {
        case .started(let s) where s.taskID == task.taskID: started = s
        case .output(let o) where o.taskID == task.taskID && o.stream == "stdout": out += o.data ?? []
        case .finished(let f) where f.taskID == task.taskID: return (started, out, f)
        default: break
        }
    }
    return (started, out, nil)
}

@Suite(.serialized) struct AgentSessionTests {
    @Test func helloReadyAndASimpleTestThroughTheSwiftCodec() throws {
        let session = try AgentSession(arguments: ["agents/qcoord_agent.py"])
        try session.send(hello())
        guard case .ready(let ready)? = try session.next() else {
            Issue.record("first message is not ready"); return
        }
        #expect(ready.version == AgentProtocol.version)
        var name = [CChar](repeating: 0, count: 256)
        #expect(gethostname(&name, name.count) == 0)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(ready.host == host)
        #expect(ready.cpus == ProcessInfo.processInfo.activeProcessorCount)
        #expect(ready.qemu["x86_64"]?.path == "/usr/bin/qemu-system-x86_64")
        #expect(ready.qemu["aarch64"]?.version.isEmpty == false)

        let result = try runToEnd(session, .init(taskID: "1", kind: .simple, name: "simple_version.sh",
                                                 uri: "examples/tests/simple_version.sh", arch: "x86_64",
                                                 qemuBin: "/usr/bin/qemu-system-x86_64", workdir: repoRoot.path))
        #expect(result.started?.qemuBin == "/usr/bin/qemu-system-x86_64")
        #expect(result.finished?.status == .pass)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "ok: /usr/bin/qemu-system-x86_64\n")
        try session.send(.shutdown)
        #expect(session.close() == 0)
    }

    @Test func embeddedAgentRunsThroughTheStdinBootstrap() throws {
        let session = try AgentSession(arguments: ["-c", AgentProtocol.stdinBootstrap],
                                       preamble: AgentProtocol.bootstrapPayload(agentSource: AgentBundle.source))
        try session.send(hello())
        guard case .ready? = try session.next() else {
            Issue.record("the embedded agent did not answer hello"); return
        }
        let result = try runToEnd(session, .init(taskID: "t", kind: .tap, name: "tap_fail.sh",
                                                 uri: "examples/failing/tap_fail.sh", workdir: repoRoot.path))
        #expect(result.finished?.status == .fail)
        #expect(result.finished?.failReason == "not ok 2 second fails")
        #expect(session.close() == 0)  // stdin EOF ends the agent
    }

    @Test func versionMismatchIsAnErrorMessage() throws {
        let session = try AgentSession(arguments: ["agents/qcoord_agent.py"])
        try session.send(.hello(.init(version: 99, jobID: "x")))
        guard case .error(let message)? = try session.next() else {
            Issue.record("no error for a version mismatch"); return
        }
        #expect(message.contains("version"))
        #expect(try session.next() == nil)
        _ = session.close()
    }
}
