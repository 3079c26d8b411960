import Foundation
import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct JobEventJSONRendererTests {
    @Test func oneCompactSortedLinePerEvent() {
        #expect(JobEventJSONRenderer.line(.hostUp(host: "h\n1", arch: "x86_64", slots: 2, time: 1.5))
                == #"{"arch":"x86_64","event":"host_up","host":"h\n1","slots":2,"time":1.5,"v":1}"# + "\n")
    }

    @Test func everyEventParsesAsJSONWithItsName() throws {
        let result = TestResult(uid: 2, id: "2-a.sh", name: "a.sh", kind: .simple, status: .fail, failReason: "x",
                                timeElapsed: 0.5, host: "local", arch: "x86_64", attempts: [.init(host: "local", status: .fail, failReason: "x", time: 0.5)])
        let events: [JobEvent] = [
            .jobStarted(jobID: "j", jobDir: "/d", total: 2, time: 1),
            .hostUp(host: "local", arch: "x86_64", slots: 1, time: 2),
            .testStarted(uid: 2, id: "2-a.sh", name: "a.sh", host: "local", arch: nil, qemuBin: "/q", time: 3),
            .testFinished(result, time: 4),
            .hostLost(host: "local", reason: "eof", time: 5),
            .jobFinished(counts: StatusCounts([.fail]), jobTime: 4.5, interruption: nil, time: 6),
        ]
        for event in events {
            let line = JobEventJSONRenderer.line(event)
            #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["event"] as? String == event.name)
        }
        let finished = try #require(try JSONSerialization.jsonObject(with: Data(JobEventJSONRenderer.line(events[3]).utf8)) as? [String: Any])
        #expect(finished["status"] as? String == "FAIL" && finished["attempts"] as? Int == 1 && finished["host"] as? String == "local")
        let end = try #require(try JSONSerialization.jsonObject(with: Data(JobEventJSONRenderer.line(events[5]).utf8)) as? [String: Any])
        #expect((end["counts"] as? [String: Int])?["FAIL"] == 1)
    }
}
