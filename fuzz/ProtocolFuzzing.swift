import QCoordCore

enum ProtocolFuzzing {
    /// Small, so that over-long lines are within the fuzzer's reach.
    static let limit = 128

    static func exercise(_ bytes: [UInt8]) {
        // The whole input as one line, under the real limit.
        check(AgentWire.decodeAgentMessage(bytes))

        var splitter = LineSplitter(maxLineBytes: limit)
        let chunk = 1 + Int(bytes.first ?? 0) % 97
        var start = 0
        var lines: [Result<[UInt8], AgentWireError>] = []
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            lines += splitter.push(bytes[start..<end])
            // The memory bound: a line is never held beyond the limit.
            precondition(splitter.bufferedByteCount <= limit, "LineSplitter buffered \(splitter.bufferedByteCount) > \(limit)")
            start = end
        }
        lines += splitter.finish()
        for line in lines {
            switch line {
            case .success(let text):
                precondition(text.count <= limit, "LineSplitter returned a line of \(text.count) > \(limit)")
                check(AgentWire.decodeAgentMessage(text, maxLineBytes: limit))
            case .failure(let error):
                _ = error.description
            }
        }
    }

    /// A decoded message must encode again, and read back as itself.
    static func check(_ result: Result<AgentMessage, AgentWireError>) {
        switch result {
        case .failure(let error):
            _ = error.description
        case .success(let message):
            guard let again = try? AgentWire.encodeLine(message) else {
                preconditionFailure("decoded message does not encode: \(message)")
            }
            guard case .success(let back) = AgentWire.decodeAgentMessage(again, maxLineBytes: Int.max) else {
                preconditionFailure("re-encoded message does not decode: \(String(decoding: again, as: UTF8.self))")
            }
            precondition(back == message, "round trip changed \(message) into \(back)")
        }
    }
}
