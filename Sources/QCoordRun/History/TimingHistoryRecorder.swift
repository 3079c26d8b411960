import Foundation
import QCoordCore

/// Records a job's finished tests into a `TimingHistory` in batches: one SQLite transaction per
/// `batchSize` results or per `interval` seconds, not one per result (that was the largest single
/// cost of `make bench-scale`: a third of its CPU at 20 000 tests).
///
/// The history is an estimate cache, so a qcoord killed by SIGKILL may lose the records of its
/// last `interval`; `flush()`, called when the job ends however it ends (all tests done, Ctrl-C,
/// job timeout, failfast), writes the rest and waits for it.
public final class TimingHistoryRecorder: @unchecked Sendable {
    // @unchecked: `pending` is guarded by `lock`; the writes run on `queue`, one at a time, in order.
    public let history: TimingHistory
    private let jobID: String?
    private let batchSize: Int
    private let interval: Double
    private let lock = NSLock()
    private var pending: [TestResult] = []
    private let queue = DispatchQueue(label: "qcoord.history")

    public init(history: TimingHistory, jobID: String? = nil, batchSize: Int = 1000, interval: Double = 1) {
        self.history = history
        self.jobID = jobID
        self.batchSize = max(1, batchSize)
        self.interval = interval
    }

    /// Queues one result; tests that never ran have no duration and are not recorded.
    public func record(_ result: TestResult) {
        guard result.ran else { return }
        let count = lock.withLock {
            pending.append(result)
            return pending.count
        }
        if count == 1 {
            // The first record of a batch: it is written within `interval` even if no other comes.
            queue.asyncAfter(deadline: .now() + interval) { self.writePending() }
        }
        if count == batchSize { queue.async { self.writePending() } }
    }

    /// Writes what is queued and waits for every write to finish.
    public func flush() {
        queue.sync { writePending() }
    }

    /// Records not yet written (tests).
    var pendingCount: Int { lock.withLock { pending.count } }

    private func writePending() {
        let batch: [TestResult] = lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        // A history that cannot be written never fails the job (as opening it).
        try? history.record(batch, jobID: jobID)
    }
}
