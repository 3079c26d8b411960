import Testing
@testable import QCoordCore

private func lines(_ results: [Result<[UInt8], AgentWireError>]) -> [String] {
    results.map { result in
        switch result {
        case .success(let bytes): String(decoding: bytes, as: UTF8.self)
        case .failure(let error): "<\(error)>"
        }
    }
}

@Suite struct LineSplitterTests {
    @Test func splitsCompleteLinesAndKeepsThePartialOne() {
        var splitter = LineSplitter()
        #expect(lines(splitter.push(Array("a\nbb\ncc".utf8))) == ["a", "bb"])
        #expect(splitter.bufferedByteCount == 2)
        #expect(lines(splitter.push(Array("c\n\n".utf8))) == ["ccc", ""])
        #expect(splitter.bufferedByteCount == 0)
        #expect(splitter.finish().isEmpty)
    }

    @Test func everySplitPointGivesTheSameLines() {
        let stream = Array("{\"type\":\"heartbeat\"}\r\nline two\nthree\n".utf8)
        for cut in 0...stream.count {
            var splitter = LineSplitter()
            let got = lines(splitter.push(stream[..<cut]) + splitter.push(stream[cut...]) + splitter.finish())
            #expect(got == ["{\"type\":\"heartbeat\"}", "line two", "three"], "cut at \(cut)")
        }
    }

    @Test func byteAtATime() {
        var splitter = LineSplitter()
        var out: [Result<[UInt8], AgentWireError>] = []
        for byte in Array("x\ny\n".utf8) { out += splitter.push([byte]) }
        #expect(lines(out) == ["x", "y"])
    }

    @Test func lastLineWithoutNewlineComesOnFinish() {
        var splitter = LineSplitter()
        #expect(splitter.push(Array("tail".utf8)).isEmpty)
        #expect(lines(splitter.finish()) == ["tail"])
        #expect(splitter.finish().isEmpty)
    }

    @Test func overlongLineIsReportedSkippedAndBounded() {
        var splitter = LineSplitter(maxLineBytes: 8)
        #expect(lines(splitter.push(Array("ok\n0123456".utf8))) == ["ok"])
        #expect(splitter.push(Array("789abc".utf8)).isEmpty)
        #expect(splitter.bufferedByteCount == 0)  // dropped, not buffered
        for _ in 0..<100 {
            #expect(splitter.push([UInt8](repeating: 0x41, count: 1000)).isEmpty)
            #expect(splitter.bufferedByteCount <= 8)
        }
        let out = splitter.push(Array("def\nnext\n".utf8))
        #expect(out.count == 2)
        #expect(out.first == .failure(.lineTooLong(bytes: 100_016, limit: 8)))
        #expect(lines(Array(out.dropFirst())) == ["next"])
    }

    @Test func lineOfExactlyTheLimitPasses() {
        var splitter = LineSplitter(maxLineBytes: 4)
        #expect(lines(splitter.push(Array("abcd\nabcde\n".utf8))) == ["abcd", "<protocol line of 5 bytes exceeds the limit of 4 bytes>"])
    }

    @Test func overlongLineAtEndOfStream() {
        var splitter = LineSplitter(maxLineBytes: 2)
        _ = splitter.push(Array("abcdef".utf8))
        #expect(splitter.finish() == [.failure(.lineTooLong(bytes: 6, limit: 2))])
    }

    @Test func feedsTheDecoder() throws {
        var splitter = LineSplitter()
        let stream = try AgentWire.encodeLine(AgentMessage.heartbeat) + AgentWire.encodeLine(AgentMessage.error(message: "x"))
        let messages = try splitter.push(stream).map { try AgentWire.decodeAgentMessage($0.get()).get() }
        #expect(messages == [.heartbeat, .error(message: "x")])
    }
}
