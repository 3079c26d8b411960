import Foundation
import Testing
@testable import QCoordCore

/// `--keep-tmp` on the wire: hello.keep_tmp, ready.scratch (docs/protocol.md).
@Suite struct KeepTmpWireTests {
    @Test func helloCarriesKeepTmpOnlyWhenAsked() throws {
        var hello = CoordinatorMessage.Hello(jobID: "j")
        #expect(!String(decoding: try AgentWire.encodeLine(.hello(hello)), as: UTF8.self).contains("keep_tmp"))
        hello.keepTmp = true
        let object = try #require(try JSONSerialization.jsonObject(with: Data(AgentWire.encodeLine(.hello(hello)))) as? [String: Any])
        #expect(object["keep_tmp"] as? Bool == true)
    }

    @Test func readyTellsTheScratchDirAndOlderAgentsDoNot() throws {
        let line = #"{"type":"ready","version":2,"host":"h","arch":"x86_64","cpus":2,"kvm":false,"python":"3.11","avocado":null,"qemu":{},"scratch":"/tmp/qcoord-j-abc"}"#
        guard case .ready(let ready) = try AgentWire.decodeAgentMessage(Array(line.utf8)).get() else {
            Issue.record("not a ready message"); return
        }
        #expect(ready.scratch == "/tmp/qcoord-j-abc")
        let old = line.replacingOccurrences(of: #","scratch":"/tmp/qcoord-j-abc""#, with: "")
        guard case .ready(let older) = try AgentWire.decodeAgentMessage(Array(old.utf8)).get() else {
            Issue.record("not a ready message"); return
        }
        #expect(older.scratch == nil)
    }
}
