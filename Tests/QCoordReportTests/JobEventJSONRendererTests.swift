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

@Suite struct ProgressLineTests {
    func finished(_ name: String, _ status: TestStatus, host: String, time: Double) -> JobEvent {
        .testFinished(TestResult(uid: 1, id: name, name: name, kind: .simple, status: status, timeElapsed: time, host: host), time: 0)
    }

    @Test func countsEtaAndWhatEachHostRuns() {
        var p = ProgressLine(names: ["t/a.py:A.test_1", "t/b.sh", "t/c.sh", "t/d.sh"])
        p.handle(.jobStarted(jobID: "j", jobDir: "/d", total: 4, time: 1000))
        p.handle(.hostUp(host: "h1", arch: "x86_64", slots: 1, time: 1000))
        p.handle(.hostUp(host: "h2", arch: "aarch64", slots: 1, time: 1000))
        #expect(p.eta(now: 1000) == nil)
        p.handle(.testStarted(uid: 1, id: "1", name: "t/a.py:A.test_1", host: "h1", arch: nil, qemuBin: nil, time: 1000))
        p.handle(.testStarted(uid: 2, id: "2", name: "t/b.sh", host: "h2", arch: nil, qemuBin: nil, time: 1000))
        p.handle(finished("t/b.sh", .fail, host: "h2", time: 4))
        // Mean 4 s: c and d pending (8 s) + a running for 1 s (3 s left) over 2 slots.
        #expect(p.eta(now: 1001) == 5.5)
        #expect(p.render(now: 1001, width: 200) == "[1/4] PASS 0 FAIL 1 · 0:01 · ETA 0:06 · h1: A.test_1 | h2: idle")
        #expect(p.render(now: 1001, width: 20) == "[1/4] PASS 0 FAIL 1…")
    }

    @Test func historyGivesAnEtaBeforeAnythingFinished() {
        var p = ProgressLine(names: ["a", "b"], history: ["a": 10, "b": 20])
        p.handle(.hostUp(host: "h", arch: "x", slots: 2, time: 0))
        #expect(p.eta(now: 0) == 15)
    }

    @Test(arguments: [(59.4, "0:59"), (61.0, "1:01"), (3725.0, "1:02:05")])
    func clock(seconds: Double, text: String) {
        #expect(ProgressLine.clock(seconds) == text)
    }
}

@Suite struct JobsRendererTests {
    static let record = JobArchive.Record(
        dir: "/r/job-x", jobID: String(repeating: "a", count: 40), start: "2026-11-22 01:45:03.430670", debuglog: "/r/job-x/job.log",
        counts: ["pass": 1, "errors": 0, "failures": 1, "skip": 0, "warn": 0, "interrupt": 0, "cancel": 1], total: 3,
        tests: [
            .init(id: "1-a.sh", status: "PASS", timeElapsed: 0.25, end: 10, host: "local", arch: "x86_64", failReason: nil),
            .init(id: "2-long/name.sh", status: "FAIL", timeElapsed: 1, end: 11, host: "h2", arch: nil, failReason: "x"),
            .init(id: "3-c.sh", status: "CANCEL", timeElapsed: nil, end: nil, host: nil, arch: nil, failReason: nil),
        ])

    @Test func listIsAvocadosFormat() {
        #expect(JobsRenderer.list([Self.record])
                == String(repeating: "a", count: 40) + " 2026-11-22 01:45:03.430670   3 (1/0/0/1)\n")
    }

    @Test func showHasEveryTestAndTheResultsLine() {
        #expect(JobsRenderer.show(Self.record, endTime: { "T\(Int($0))" }) == """
            JOB ID      : \(String(repeating: "a", count: 40))
            JOB DIR     : /r/job-x
            JOB LOG     : /r/job-x/job.log

            Test ID        End Time  Run Time  Status Host  Arch
            1-a.sh         T10       0.250000  PASS   local x86_64
            2-long/name.sh T11       1.000000  FAIL   h2    -
            3-c.sh         <unknown> <unknown> CANCEL -     -
            RESULTS     : PASS 1 | ERROR 0 | FAIL 1 | SKIP 0 | WARN 0 | INTERRUPT 0 | CANCEL 1

            """)
    }
}
