import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// LocalAgentLink against a real python3 running Tests/Fixtures/run/scripted_agent.py.
@Suite(.serialized) struct LocalAgentLinkTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/run")
    static let script = fixtures.appendingPathComponent("scripted_agent.py").path

    func start(idleLimit: Double = 30) async throws -> (LocalAgentLink, String) {
        let dir = NSTemporaryDirectory() + "qcoord-link-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let link = try await LocalAgentLink.start(python: "python3", hello: .init(jobID: "j"), log: JobLog(path: dir + "/job.log"),
                                                  readyTimeout: .seconds(20), idleLimit: idleLimit, agentScript: Self.script)
        return (link, dir)
    }

    func task(_ name: String, uri: String = "/bin/true", timeout: Double? = nil) -> CoordinatorMessage.RunTask {
        .init(taskID: "1", kind: .simple, name: name, uri: uri, timeoutS: timeout, workdir: "/")
    }

    /// Events until the link reports itself lost or the stream ends.
    func drain(_ link: LocalAgentLink, until stop: (AgentEvent) -> Bool) async -> [AgentEvent] {
        var seen: [AgentEvent] = []
        events: for await batch in link.events {
            for e in batch {
                if case .message(.heartbeat) = e { continue }
                seen.append(e)
                if stop(e) { break events }
            }
        }
        return seen
    }

    @Test func handshakeThenRunsATestAndShutsDown() async throws {
        let (link, dir) = try await start()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(link.capabilities.host == "scripted")
        #expect(link.capabilities.arch == "x86_64")
        await link.run(task("t", uri: "/bin/echo"))
        let events = await drain(link) { if case .message(.finished) = $0 { return true }; return false }
        guard case .message(.finished(let f))? = events.last else {
            Issue.record("no finished: \(events)")
            return
        }
        #expect(f.status == .pass && f.taskID == "1")
        #expect(events.contains { if case .message(.output(let o)) = $0 { return o.stream == "stdout" }; return false })
        await link.shutdown(grace: .seconds(5))
        let after = await drain(link) { _ in false }
        #expect(after.contains { if case .lost = $0 { return true }; return false })
    }

    @Test(arguments: [("malformed", "malformed protocol line"), ("oversized", "exceeds the limit"), ("crash", "closed its output")])
    func misbehavingAgentIsALostHostNotACrash(name: String, reasonPart: String) async throws {
        let (link, dir) = try await start()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await link.run(task(name))
        let events = await drain(link) { if case .lost = $0 { return true }; return false }
        guard case .lost(let reason)? = events.last else {
            Issue.record("not lost: \(events)")
            return
        }
        #expect(reason.contains(reasonPart), "\(reason)")
        await link.shutdown(grace: .seconds(2))
    }

    @Test func aSilentAgentIsLostAfterTheIdleLimit() async throws {
        let (link, dir) = try await start(idleLimit: 2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t0 = ContinuousClock.now
        await link.run(task("silence"))
        let events = await drain(link) { if case .lost = $0 { return true }; return false }
        guard case .lost(let reason)? = events.last else {
            Issue.record("not lost: \(events)")
            return
        }
        #expect(reason.contains("no heartbeat"))
        #expect(ContinuousClock.now - t0 < .seconds(10))
        await link.shutdown(grace: .seconds(2))
    }

    @Test func agentStderrGoesToTheJobLog() async throws {
        let (link, dir) = try await start()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await link.shutdown(grace: .seconds(5))
        // The stderr reader is its own thread: give it a moment to drain after the exit.
        var log = ""
        for _ in 0..<40 {
            log = try String(contentsOfFile: dir + "/job.log", encoding: .utf8)
            if log.contains("scripted agent says hello") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(log.contains("[local stderr] scripted agent says hello on stderr"))
    }

    @Test func cancelReachesTheAgent() async throws {
        let (link, dir) = try await start()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sleeper = dir + "/sleep.sh"
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: sleeper, atomically: true, encoding: .utf8)
        chmod(sleeper, 0o755)
        await link.run(task("s", uri: sleeper))
        _ = await drain(link) { if case .message(.started) = $0 { return true }; return false }
        let t0 = ContinuousClock.now
        await link.cancel(taskID: "1")
        let events = await drain(link) { if case .message(.finished) = $0 { return true }; return false }
        guard case .message(.finished(let f))? = events.last else {
            Issue.record("no finished: \(events)")
            return
        }
        #expect(f.status == .interrupted)
        #expect(ContinuousClock.now - t0 < .seconds(10))
        await link.shutdown(grace: .seconds(5))
    }

    @Test func aMissingPythonIsAnActionableStartError() async throws {
        let dir = NSTemporaryDirectory() + "qcoord-link-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await #expect(throws: RunError.self) {
            _ = try await LocalAgentLink.start(python: "/nonexistent/python3", hello: .init(jobID: "j"),
                                               log: JobLog(path: dir + "/job.log"), readyTimeout: .seconds(10),
                                               agentScript: Self.script)
        }
    }
}
