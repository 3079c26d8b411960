import Foundation
import Testing
@testable import QCoordCore

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The recorded session of the real agent (agents/tests/record_transcript.py).
private func transcript() throws -> (coordinator: [String], agent: [String]) {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protocol/agent-transcript.jsonl")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    return (lines.filter { $0.hasPrefix("> ") }.map { String($0.dropFirst(2)) },
            lines.filter { !$0.hasPrefix("> ") })
}

@Suite struct AgentWireEncodingTests {
    @Test func helloIsOneFlatJSONLine() throws {
        let hello = CoordinatorMessage.hello(.init(jobID: "j1", env: ["SPEED": "slow"], params: ["machine": "virt"],
                                                   qemuSearch: .init(dirs: ["/opt/qemu/build"], pathSearch: false,
                                                                     overrides: ["x86_64": "/x/qemu"], python: "/v/bin/python")))
        let line = try AgentWire.encodeLine(hello)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(text(line) == """
        {"env":{"SPEED":"slow"},"job_id":"j1","params":{"machine":"virt"},"qemu_search":{"dirs":["/opt/qemu/build"],\
        "overrides":{"x86_64":"/x/qemu"},"path_search":false,"python":"/v/bin/python"},"type":"hello","version":2}

        """)
    }

    @Test func heartbeatAndTheCoordinatorIdleLimitOnTheWire() throws {
        #expect(text(try AgentWire.encodeLine(CoordinatorMessage.heartbeat)) == "{\"type\":\"heartbeat\"}\n")
        var hello = CoordinatorMessage.Hello(jobID: "j")
        hello.coordinatorIdleLimitS = 10
        let object = try #require(try JSONSerialization.jsonObject(with: Data(AgentWire.encodeLine(.hello(hello)))) as? [String: Any])
        #expect(object["coordinator_idle_limit_s"] as? Double == 10)
        let back = try JSONDecoder().decode(CoordinatorMessage.self, from: Data(#"{"type":"heartbeat"}"#.utf8))
        #expect(back == CoordinatorMessage.heartbeat)
    }

    @Test func runCancelShutdownUseSnakeCaseKeys() throws {
        let run = CoordinatorMessage.run(.init(taskID: "7", kind: .instrumented, name: "t.py:C.test", uri: "t.py",
                                               arch: "aarch64", params: ["qemu_bin": "/q"], timeoutS: 12.5, workdir: "/src",
                                               tags: Tags(["arch": ["aarch64"], "quick": []])))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(AgentWire.encodeLine(run))) as? [String: Any])
        #expect(object["type"] as? String == "run")
        #expect(object["task_id"] as? String == "7")
        #expect(object["kind"] as? String == "INSTRUMENTED")
        #expect(object["timeout_s"] as? Double == 12.5)
        #expect((object["tags"] as? [String: Any])?["arch"] as? [String] == ["aarch64"])
        #expect((object["tags"] as? [String: Any])?["quick"] is NSNull)
        #expect(text(try AgentWire.encodeLine(.cancel(taskID: "7"))) == "{\"task_id\":\"7\",\"type\":\"cancel\"}\n")
        #expect(text(try AgentWire.encodeLine(.shutdown)) == "{\"type\":\"shutdown\"}\n")
    }

    @Test(arguments: [
        CoordinatorMessage.hello(.init(jobID: "j")),
        .run(.init(taskID: "1", kind: .simple, name: "a.sh", uri: "a.sh", args: ["-v"], env: ["K": "V"])),
        .cancel(taskID: "x"),
        .shutdown,
    ])
    func coordinatorMessagesRoundTrip(_ message: CoordinatorMessage) throws {
        #expect(try AgentWire.decodeCoordinatorMessage(AgentWire.encodeLine(message)).get() == message)
    }

    @Test(arguments: [
        AgentMessage.ready(.init(host: "h1", arch: "ppc64", cpus: 8, kvm: false, python: "3.8.10", avocado: nil,
                                 qemu: ["ppc64": .init(path: "/usr/bin/qemu-system-ppc64", version: "7.2.0")])),
        .started(.init(taskID: "1", qemuBin: nil, arch: "x86_64", pid: 42)),
        .output(.init(taskID: "1", stream: "stderr", data: [0xff, 0x00, 0x0a])),
        .file(.init(taskID: "1", name: "data/x.bin", offset: 49152, data: [1, 2, 3], last: true)),
        .finished(.init(taskID: "1", status: .interrupted, failReason: "Test interrupted: Timeout reached", timeS: 2.5,
                        whiteboard: "wb")),
        .heartbeat,
        .error(message: "malformed input line"),
    ])
    func agentMessagesRoundTrip(_ message: AgentMessage) throws {
        #expect(try AgentWire.decodeAgentMessage(AgentWire.encodeLine(message)).get() == message)
    }
}

@Suite struct AgentWireDecodingTests {
    @Test func decodesEveryLineTheRealAgentWrote() throws {
        let lines = try transcript().agent
        var types: [String: Int] = [:]
        for line in lines {
            let message = try AgentWire.decodeAgentMessage(bytes(line)).get()
            types[message.typeName, default: 0] += 1
            // Re-encoding and decoding again gives the same message.
            #expect(try AgentWire.decodeAgentMessage(AgentWire.encodeLine(message)).get() == message)
        }
        #expect(Set(types.keys) == ["error", "ready", "started", "output", "file", "finished", "heartbeat"])
        #expect(types["started"] == types["finished"])
    }

    @Test func readyFromTheRealAgent() throws {
        let line = try #require(try transcript().agent.first { $0.contains("\"type\":\"ready\"") })
        guard case .ready(let ready) = try AgentWire.decodeAgentMessage(bytes(line)).get() else {
            Issue.record("not a ready message"); return
        }
        #expect(ready.version == AgentProtocol.version)
        #expect(ready.cpus >= 1)
        #expect(ready.avocado == "113.0")
        #expect(ready.qemu["x86_64"]?.path == "/usr/bin/qemu-system-x86_64")
        #expect(ready.qemu["aarch64"]?.version.hasPrefix("7.") == true)
    }

    @Test func finishedStatusesAndChunksFromTheRealAgent() throws {
        var finished: [String: AgentMessage.Finished] = [:]
        var files: [String: [UInt8]] = [:]
        var stdout: [String: [UInt8]] = [:]
        for line in try transcript().agent {
            switch try AgentWire.decodeAgentMessage(bytes(line)).get() {
            case .finished(let f): finished[f.taskID] = f
            case .file(let chunk):
                #expect(chunk.offset == files[chunk.name, default: []].count)
                files[chunk.name, default: []] += try #require(chunk.data)
            case .output(let out) where out.stream == "stdout":
                stdout[out.taskID, default: []] += try #require(out.data)
            default: break
            }
        }
        #expect(finished["1"]?.status == .pass)
        #expect(finished["2"]?.status == .fail)
        #expect(finished["2"]?.failReason == "Exited with status 1")
        #expect(finished["3"]?.failReason == "not ok 2 second fails")
        #expect(finished["4"]?.whiteboard?.contains("\"greeting\": \"hi\"") == true)
        #expect(finished["5"]?.status == .interrupted)
        #expect(finished["6"]?.status == .cancel)
        #expect(text(stdout["2"] ?? []) == "about to fail\n")
        #expect(Set(files.keys) == ["debug.log", "whiteboard", "data/seen.json"])
    }

    @Test func coordinatorLinesOfTheTranscriptDecode() throws {
        let lines = try transcript().coordinator
        guard case .failure(.malformedJSON) = AgentWire.decodeCoordinatorMessage(bytes(lines[0])) else {
            Issue.record("the transcript starts with a malformed line"); return
        }
        let decoded = lines.dropFirst().map { AgentWire.decodeCoordinatorMessage(bytes($0)) }
        #expect(decoded.allSatisfy { (try? $0.get()) != nil })
    }

    @Test func overlongLineIsRejected() {
        let line = bytes("{\"type\":\"heartbeat\",\"pad\":\"" + String(repeating: "x", count: 100) + "\"}")
        #expect(AgentWire.decodeAgentMessage(line, maxLineBytes: 64) == .failure(.lineTooLong(bytes: line.count, limit: 64)))
        #expect(AgentWire.decodeAgentMessage(line, maxLineBytes: line.count) == .success(.heartbeat))
    }

    @Test func unknownTypeIsData() {
        #expect(AgentWire.decodeAgentMessage(bytes("{\"type\":\"teleport\",\"to\":\"mars\"}")) == .failure(.unknownType("teleport")))
    }

    @Test(arguments: ["{oops", "", "[1,2]", "\"ready\"", "\u{FF}"])
    func malformedLinesAreData(_ line: String) {
        guard case .failure(.malformedJSON) = AgentWire.decodeAgentMessage(bytes(line)) else {
            Issue.record("\(line.debugDescription) was not reported as malformed JSON"); return
        }
    }

    @Test func invalidUTF8IsMalformed() {
        guard case .failure(.malformedJSON) = AgentWire.decodeAgentMessage([0x7b, 0xff, 0xfe, 0x7d]) else {
            Issue.record("invalid UTF-8 accepted"); return
        }
    }

    @Test func missingTypeIsReported() {
        #expect(AgentWire.decodeAgentMessage(bytes("{\"task_id\":\"1\"}")) == .failure(.missingType))
        #expect(AgentWire.decodeAgentMessage(bytes("{\"type\":3}")) == .failure(.missingType))
    }

    @Test func knownTypeWithBadFieldsNamesTheField() throws {
        let result = AgentWire.decodeAgentMessage(bytes("{\"type\":\"finished\",\"task_id\":\"1\",\"status\":\"MAYBE\",\"time_s\":1}"))
        guard case .failure(.invalidMessage(let type, let detail)) = result else {
            Issue.record("expected invalidMessage, got \(result)"); return
        }
        #expect(type == "finished")
        #expect(detail.contains("status"))
        let missing = AgentWire.decodeAgentMessage(bytes("{\"type\":\"started\"}"))
        guard case .failure(.invalidMessage("started", let why)) = missing else {
            Issue.record("expected invalidMessage, got \(missing)"); return
        }
        #expect(why.contains("task_id"))
    }

    @Test func errorDescriptionsAreActionable() {
        #expect(AgentWireError.lineTooLong(bytes: 2_000_000, limit: 1_048_576).description
            == "protocol line of 2000000 bytes exceeds the limit of 1048576 bytes")
        #expect(AgentWireError.unknownType("x").description.contains("protocol v2"))
    }
}
