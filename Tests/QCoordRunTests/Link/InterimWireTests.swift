import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

@Suite struct InterimWireTests {
    @Test func encodesTypeTaggedLines() throws {
        let line = String(decoding: try InterimWire.encodeLine(.cancel(taskID: "7")), as: UTF8.self)
        #expect(line == "{\"type\":\"cancel\",\"task_id\":\"7\"}\n")
        #expect(String(decoding: try InterimWire.encodeLine(.shutdown), as: UTF8.self) == "{\"type\":\"shutdown\"}\n")
    }

    @Test func decodesAgentMessagesAndRejectsGarbage() throws {
        let f = try InterimWire.decodeLine(Array(#"{"type":"finished","task_id":"1","status":"FAIL","fail_reason":null,"time_s":0.5}"#.utf8))
        #expect(f == .finished(.init(taskID: "1", status: .fail, failReason: nil, timeS: 0.5)))
        #expect(throws: InterimWire.WireError.self) { try InterimWire.decodeLine(Array("nope".utf8)) }
        #expect(throws: InterimWire.WireError.self) { try InterimWire.decodeLine(Array(#"{"type":"finished"}"#.utf8)) }
        #expect(throws: InterimWire.WireError.self) { try InterimWire.decodeLine(Array(#"{"type":"bogus"}"#.utf8)) }
    }

    @Test func splitterBoundsLines() {
        var s = InterimLineSplitter(limit: 4)
        let pieces = s.feed(ArraySlice(Array("ab\ncdefgh\nij".utf8)))
        #expect(pieces.count == 2)
        if case .line(let l) = pieces[0] { #expect(l == Array("ab".utf8)) } else { Issue.record("line") }
        if case .overflow = pieces[1] {} else { Issue.record("overflow") }
    }
}
