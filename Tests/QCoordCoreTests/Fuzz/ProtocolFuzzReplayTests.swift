import Testing
@testable import QCoordCore

/// Replays the saved corpus of `make fuzz-protocol` (what a hostile agent could write), and
/// checks the memory bound of `LineSplitter` against a flood without newlines.
@Suite struct ProtocolFuzzReplayTests {
    /// The harness's small limit, so that the corpus holds over-long lines.
    static let limit = 128

    @Test func everySavedInputDecodesToAMessageOrAnError() throws {
        let inputs = try FuzzCorpus.inputs("protocol")
        #expect(inputs.count >= 10, "the saved protocol corpus is missing")
        for (name, bytes) in inputs {
            Self.expectRoundTrip(AgentWire.decodeAgentMessage(bytes), name)

            var splitter = LineSplitter(maxLineBytes: Self.limit)
            let chunk = 1 + Int(bytes.first ?? 0) % 97
            var lines: [Result<[UInt8], AgentWireError>] = []
            for start in stride(from: 0, to: bytes.count, by: chunk) {
                lines += splitter.push(bytes[start..<min(bytes.count, start + chunk)])
                #expect(splitter.bufferedByteCount <= Self.limit, "\(name)")
            }
            lines += splitter.finish()
            // One result per newline, plus the unterminated tail.
            let newlines = bytes.count { $0 == UInt8(ascii: "\n") }
            let tail = bytes.last.map { $0 != UInt8(ascii: "\n") } ?? false
            #expect(lines.count == newlines + (tail ? 1 : 0), "\(name)")
            for line in lines {
                switch line {
                case .success(let text):
                    #expect(text.count <= Self.limit, "\(name)")
                    Self.expectRoundTrip(AgentWire.decodeAgentMessage(text, maxLineBytes: Self.limit), name)
                case .failure(let error):
                    guard case .lineTooLong(let count, let limit) = error else {
                        Issue.record("\(name): the splitter failed with \(error)")
                        continue
                    }
                    #expect(count > limit, "\(name)")
                }
            }
        }
    }

    /// A decoded message encodes again and reads back as itself.
    static func expectRoundTrip(_ result: Result<AgentMessage, AgentWireError>, _ name: String) {
        switch result {
        case .failure(let error):
            #expect(!error.description.isEmpty, "\(name)")
        case .success(let message):
            do {
                let again = try AgentWire.encodeLine(message)
                #expect(AgentWire.decodeAgentMessage(again, maxLineBytes: Int.max) == .success(message), "\(name)")
            } catch {
                Issue.record("\(name): decoded \(message) does not encode: \(error)")
            }
        }
    }

    /// A 1 GiB line, simulated by 64 MiB in 64 KiB chunks without a newline: the splitter never
    /// holds more than its limit, reports the line as too long, and reads the next one.
    @Test func aFloodWithoutNewlinesStaysWithinTheLimit() {
        var splitter = LineSplitter()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var peak = 0
        for _ in 0..<1024 {
            #expect(splitter.push(chunk).isEmpty)
            peak = max(peak, splitter.bufferedByteCount)
        }
        #expect(peak <= AgentProtocol.maxLineBytes)
        #expect(peak > 0)  // it did buffer up to the limit before giving up on the line
        let out = splitter.push(Array("\n{\"type\":\"heartbeat\"}\n".utf8))
        #expect(out.count == 2)
        #expect(out.first == .failure(.lineTooLong(bytes: 64 << 20, limit: AgentProtocol.maxLineBytes)))
        if case .success(let next)? = out.last {
            #expect(AgentWire.decodeAgentMessage(next) == .success(.heartbeat))
        } else {
            Issue.record("the line after the flood was lost: \(out)")
        }
    }

    /// The decoder turns an over-long line into data, even when it is valid JSON.
    @Test func decoderRejectsOverlongLinesAsData() {
        let heartbeat = Array("{\"type\":\"heartbeat\"}".utf8)
        let padded = heartbeat + [UInt8](repeating: UInt8(ascii: " "), count: AgentProtocol.maxLineBytes)
        #expect(AgentWire.decodeAgentMessage(padded)
                == .failure(.lineTooLong(bytes: padded.count, limit: AgentProtocol.maxLineBytes)))
        #expect(AgentWire.decodeAgentMessage(heartbeat + [UInt8(ascii: "\n")]) == .success(.heartbeat))
        let atLimit = heartbeat + [UInt8](repeating: UInt8(ascii: " "), count: 64 - heartbeat.count)
        #expect(AgentWire.decodeAgentMessage(atLimit, maxLineBytes: 64) == .success(.heartbeat))
        #expect(AgentWire.decodeAgentMessage(atLimit + [0x20], maxLineBytes: 64) == .failure(.lineTooLong(bytes: 65, limit: 64)))
    }
}
