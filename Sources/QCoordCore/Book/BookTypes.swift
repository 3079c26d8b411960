/// What the job book is told. Times are seconds of a monotonic clock the caller reads (the book
/// reads no clock); tests are identified by their index in the job, tasks by `<uid>.<attempt>`.
public enum BookEvent: Sendable, Hashable {
    /// The job begins on these hosts (name, slots), every one that answered at the start; tests
    /// no reachable host can run get their verdict now.
    case start(hosts: [BookHost], now: Double)
    /// A host's agent is ready with this many slots (at the start, or back after a loss).
    case hostUp(host: String, slots: Int, now: Double)
    /// A host is gone (agent crashed, connection lost, no heartbeat).
    case hostLost(host: String, reason: String, now: Double)
    /// The agent started a task.
    case started(taskID: String, host: String, now: Double)
    /// The agent finished a task with this status.
    case finished(taskID: String, host: String, status: TestStatus, reason: String?, time: Double,
                  whiteboard: String?, now: Double)
    /// A timer the book asked for (`BookDecision.startTimer`) went off.
    case timerFired(BookTimer, now: Double)
    /// Ctrl-C, SIGTERM (a CI cancel), SIGHUP: the first stops dispatching and cancels running
    /// tests (they get `interruptGrace` to report); the second ends them at once.
    case signal(BookSignal, now: Double)
    /// A host now holds these assets (content keys: in its store when the job began, or pushed
    /// since): it is preferred for the tests that need them.
    case assetsHeld(host: String, keys: [String])
}

/// The signals that interrupt a job.
public enum BookSignal: String, Sendable, Hashable {
    case interrupt = "SIGINT"
    case terminate = "SIGTERM"
    case hangup = "SIGHUP"

    /// The reason tests that never started get (Avocado's words for Ctrl-C).
    public var reason: String {
        self == .interrupt ? "Interrupted by user request" : "Interrupted by \(rawValue)"
    }
}

/// A host and its slots.
public struct BookHost: Sendable, Hashable {
    public var name: String
    public var slots: Int
    public init(name: String, slots: Int) { self.name = name; self.slots = slots }
}

/// Timers the book asks for; each comes back as `.timerFired`.
public enum BookTimer: Sendable, Hashable {
    /// `--host-give-up` after `host` was lost (its `generation`-th loss).
    case giveUp(host: String, generation: Int)
    /// Cancelled tests that have not reported by now end INTERRUPTED.
    case grace
    /// `--job-timeout`.
    case jobTimeout
}

/// What the book decides; the run loop carries each out, in order.
public enum BookDecision: Sendable, Hashable {
    /// Run a test on a host: exactly the plan's binary, arch and limit there.
    case dispatch(BookDispatch)
    /// Ask a host's agent to stop a task.
    case cancel(host: String, taskID: String)
    case startTimer(BookTimer, after: Double)
    /// An attempt ended that is not the test's last (a retry follows, or its host was lost).
    case attemptEnded(test: Int, attempt: TestResult.Attempt)
    /// A test's final outcome.
    case record(BookOutcome)
    /// A line for job.log.
    case log(String, error: Bool)
    /// A line for the user (stderr).
    case tell(String)
    /// Every test has its result: the job is over.
    case finish
    /// Put on `host`, ahead of time, the assets `test` needs (`keys`, those it lacks): the test
    /// it would take next, staged while the host is busy.
    case prefetch(host: String, test: Int, keys: [String])
}

/// One dispatch: the test, its host, and the plan's choice for that host.
public struct BookDispatch: Sendable, Hashable {
    public var test: Int
    public var host: String
    /// 1 for the first run; a re-run (lost host, `--retries`) counts up.
    public var attempt: Int
    /// `<uid>.<attempt>`: messages about any other id are late and dropped.
    public var taskID: String
    public var arch: String
    public var qemuBin: String?
    public var timeout: Double?
}

/// A test's final result as the book knows it (the run loop adds files, clocks and versions).
public struct BookOutcome: Sendable, Hashable {
    public var test: Int
    public var status: TestStatus
    public var reason: String?
    /// The host of its last attempt; nil when it never ran.
    public var host: String?
    /// The arch it ran as (its host's own for a test that does not use QEMU); the binary.
    public var arch: String?
    public var qemuBin: String?
    /// Seconds the last attempt ran.
    public var time: Double
    public var whiteboard: String?
    public var attempts: [TestResult.Attempt]
    /// Passed on a retry after a FAIL or ERROR.
    public var flaky: Bool
    /// False for tests that never started.
    public var ran: Bool
}

/// The job's settings the book applies.
public struct BookSettings: Sendable, Hashable {
    /// `--retries`: a FAILed or ERRORed test runs again up to this many times.
    public var retries: Int
    /// `--failfast`: stop dispatching after the first FAIL or ERROR.
    public var failfast: Bool
    /// `--host-give-up`: seconds tests only a lost host can run wait for it; nil: a lost host is
    /// not reconnected (its tests end at once).
    public var hostGiveUp: Double?
    /// Seconds cancelled tests get to report before they end INTERRUPTED.
    public var interruptGrace: Double
    /// `--job-timeout`.
    public var jobTimeout: Double?
    /// A test in flight on this many consecutive lost hosts is quarantined (ERROR).
    public var quarantineAfter: Int
    /// Why tests end ERROR when no host is (or is left) to run them.
    public var noHostReason: String

    public init(retries: Int = 0, failfast: Bool = false, hostGiveUp: Double? = nil, interruptGrace: Double = 15,
                jobTimeout: Double? = nil, quarantineAfter: Int = 2, noHostReason: String = "no host is available") {
        self.retries = retries
        self.failfast = failfast
        self.hostGiveUp = hostGiveUp
        self.interruptGrace = interruptGrace
        self.jobTimeout = jobTimeout
        self.quarantineAfter = quarantineAfter
        self.noHostReason = noHostReason
    }
}
