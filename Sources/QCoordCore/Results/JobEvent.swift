/// Something that happened during a job, as `--json-events` streams it and the live
/// progress line reads it. Times are epoch seconds, filled in by whoever emits the event
/// (this module has no clock).
public enum JobEvent: Sendable, Hashable {
    /// The job directory exists and `total` tests are about to be dispatched.
    case jobStarted(jobID: String, jobDir: String, total: Int, time: Double)
    /// An agent is ready: its host name, arch and slots.
    case hostUp(host: String, arch: String, slots: Int, time: Double)
    /// An agent went away; tests it was running are re-run elsewhere.
    case hostLost(host: String, reason: String, time: Double)
    /// A test began on a host (the agent chose `qemuBin`).
    case testStarted(uid: Int, id: String, name: String, host: String, arch: String?, qemuBin: String?, time: Double)
    /// A test's final result (also for tests that never ran).
    case testFinished(TestResult, time: Double)
    /// Every test has a result; `interruption` says why the job stopped early, if it did.
    case jobFinished(counts: StatusCounts, jobTime: Double, interruption: String?, time: Double)

    /// The `event` field of the NDJSON line.
    public var name: String {
        switch self {
        case .jobStarted: "job_started"
        case .hostUp: "host_up"
        case .hostLost: "host_lost"
        case .testStarted: "test_started"
        case .testFinished: "test_finished"
        case .jobFinished: "job_finished"
        }
    }
}
