import Foundation
import QCoordCore
@testable import QCoordRun
import Testing

@Suite struct TimingHistoryRecorderTests {
    static func result(_ name: String, ran: Bool = true) -> TestResult {
        TimingHistoryTests.result(name, .pass, 1, end: 1, ran: ran)
    }

    /// Polls until `history` holds `runs` runs in all (the recorder writes on its own queue).
    static func waitForRuns(_ history: TimingHistory, _ runs: Int) async throws -> Int {
        var seen = 0
        for _ in 0..<200 {
            seen = try history.summaries().map(\.runs).reduce(0, +)
            if seen >= runs { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return seen
    }

    @Test func writesAFullBatchAtOnceAndTheRestOnFlush() async throws {
        let dir = TimingHistoryTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try TimingHistory(path: dir + "/history.sqlite")
        // A long interval: only a full batch or flush() writes.
        let recorder = TimingHistoryRecorder(history: history, batchSize: 3, interval: 3600)
        recorder.record(Self.result("a.sh"))
        recorder.record(Self.result("b.sh"))
        #expect(try history.summaries().isEmpty)
        recorder.record(Self.result("c.sh"))
        #expect(try await Self.waitForRuns(history, 3) == 3)
        recorder.record(Self.result("d.sh"))
        // Never-run tests have no duration: not recorded.
        recorder.record(Self.result("never.sh", ran: false))
        #expect(recorder.pendingCount == 1)
        recorder.flush()
        #expect(recorder.pendingCount == 0)
        #expect(try history.summaries().map(\.test) == ["a.sh", "b.sh", "c.sh", "d.sh"])
    }

    @Test func aLoneRecordIsWrittenWithinTheInterval() async throws {
        let dir = TimingHistoryTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try TimingHistory(path: dir + "/history.sqlite")
        let recorder = TimingHistoryRecorder(history: history, batchSize: 1000, interval: 0.05)
        recorder.record(Self.result("a.sh"))
        // No flush: what a SIGKILLed qcoord would leave is at most the last interval's records.
        #expect(try await Self.waitForRuns(history, 1) == 1)
        #expect(recorder.pendingCount == 0)
    }
}
