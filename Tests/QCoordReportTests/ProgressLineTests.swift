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
        #expect(p.render(now: 1001, width: 200) == "1/4 done · 1 running on h1 · 1 failed · ETA 6s · 1s elapsed · h1: A.test_1 | h2: idle")
        #expect(p.render(now: 1001, width: 20) == "1/4 done · 1 runnin…")
    }

    /// Each number says what it counts; several tests on a host read "and N more", never a bare "+N".
    @Test func wordsForEveryNumberAndNoBarePlus() {
        var p = ProgressLine(names: ["t/a.sh", "t/b.sh", "t/c.sh", "t/d.sh", "t/e.sh"], history: ["t/a.sh": 60, "t/b.sh": 60, "t/c.sh": 60, "t/d.sh": 60, "t/e.sh": 60])
        p.handle(.jobStarted(jobID: "j", jobDir: "/d", total: 5, time: 0))
        p.handle(.hostUp(host: "h1", arch: "x86_64", slots: 2, time: 0))
        p.handle(.hostUp(host: "h2", arch: "x86_64", slots: 1, time: 0))
        for (i, name) in ["t/a.sh", "t/b.sh"].enumerated() {
            p.handle(.testStarted(uid: i + 1, id: "\(i + 1)", name: name, host: "h1", arch: nil, qemuBin: nil, time: 0))
        }
        p.handle(.testStarted(uid: 3, id: "3", name: "t/c.sh", host: "h2", arch: nil, qemuBin: nil, time: 0))
        p.handle(finished("t/c.sh", .skip, host: "h2", time: 0))
        // From the history: d and e (120 s) + a and b (60 s left each) over 3 slots = 80 s.
        let line = p.render(now: 0, width: 500)
        #expect(line == "1/5 done · 2 running on h1 · 0 failed · 1 skipped · ETA 1m20s · 0s elapsed · h1: a.sh and 1 more | h2: idle")
        #expect(!line.contains("+"))
    }

    @Test func failedCountsFailErrorAndInterruptedInRedWhenColoured() {
        var p = ProgressLine(names: ["a", "b", "c", "d"])
        for (name, status) in [("a", TestStatus.fail), ("b", .error), ("c", .interrupted), ("d", .pass)] {
            p.handle(finished(name, status, host: "h", time: 1))
        }
        #expect(p.failed == 3)
        #expect(p.render(now: 0, width: 200) == "4/4 done · 0 running · 3 failed · ETA 0s")
        let coloured = p.render(now: 0, width: 200, style: TerminalStyle(enabled: true))
        #expect(coloured == "4/4 done · 0 running · \u{1B}[1;31m3 failed\u{1B}[0m · ETA 0s")
        // Cut to the width by what is visible: the escape codes take no column.
        #expect(p.render(now: 0, width: 28, style: TerminalStyle(enabled: true)) == "4/4 done · 0 running · \u{1B}[1;31m3 fa\u{1B}[0m…")
    }

    @Test func historyGivesAnEtaBeforeAnythingFinished() {
        var p = ProgressLine(names: ["a", "b"], history: ["a": 10, "b": 20])
        p.handle(.hostUp(host: "h", arch: "x", slots: 2, time: 0))
        #expect(p.eta(now: 0) == 15)
    }

    @Test(arguments: [(0.2, "0s"), (59.4, "59s"), (61.0, "1m01s"), (80, "1m20s"), (3725.0, "1h02m")])
    func duration(seconds: Double, text: String) {
        #expect(ProgressLine.duration(seconds) == text)
    }
}
