import Testing
@testable import QCoordCore

private func line(_ json: String) -> [UInt8] { Array((json + "\n").utf8) }

@Test func onlyReadyOrEarlyErrorsCountBeforeReady() {
    var reader = AgentOutputReader()
    let before = reader.push(line(#"{"type":"heartbeat"}"#) + line(#"{"type":"error","message":"boom"}"#))
    #expect(before == [.errorBeforeReady("boom")])
    #expect(!reader.isReady)
    let ready = #"{"type":"ready","version":1,"host":"h","arch":"x86_64","cpus":2,"kvm":false,"python":"3.11","avocado":null,"qemu":{}}"#
    let items = reader.push(line(ready) + line(#"{"type":"heartbeat"}"#))
    #expect(items.count == 2)
    guard case .ready(let caps)? = items.first else { Issue.record("no ready: \(items)"); return }
    #expect(caps.arch == "x86_64")
    #expect(items.last == .message(.heartbeat))
    #expect(reader.isReady)
}

@Test func aMalformedLineBreaksTheStreamAndStopsTheChunk() {
    var reader = AgentOutputReader()
    let items = reader.push(line("not json") + line(#"{"type":"error","message":"late"}"#))
    #expect(items.count == 1)
    guard case .broken? = items.first else { Issue.record("not broken: \(items)"); return }
}

@Test func linesSplitAcrossChunksAndBlankLinesAreHandled() {
    var reader = AgentOutputReader()
    let bytes = Array("\n".utf8) + line(#"{"type":"error","message":"split"}"#)
    #expect(reader.push(bytes[0..<10]).isEmpty)
    #expect(reader.push(bytes[10...]) == [.errorBeforeReady("split")])
}

@Test func anOversizedLineIsBroken() {
    var reader = AgentOutputReader(maxLineBytes: 64)
    let items = reader.push(line(#"{"type":"error","message":""# + String(repeating: "x", count: 100) + #""}"#))
    guard case .broken(.lineTooLong)? = items.first else { Issue.record("not too long: \(items)"); return }
}
