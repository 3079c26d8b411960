import Testing
import QCoordCore
@testable import QCoordReport

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
