/// What the Scheduler is told: hosts coming and going, tasks ending, a stop.
public enum SchedulerEvent: Sendable, Hashable {
    /// A host's agent is ready with this many slots; it gets only tests the plan lists it for.
    case hostUp(host: String, slots: Int)
    /// A host is gone (agent crashed, connection lost): its running tests go back to the queue.
    case hostLost(host: String)
    /// A test ended on a host (any status): its slot is free again.
    case taskFinished(test: Int, host: String)
    /// A test ended on a host and is to run again (`--retries`): its slot is free, and the test
    /// goes back to the queue for a host that has not run it yet, when there is one.
    case retry(test: Int, host: String)
    /// Dispatch nothing more (failfast, job timeout, Ctrl-C); running tests keep running.
    case stop
}
