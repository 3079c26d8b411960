/// Failures of running a job, with what to do about them.
public enum RunError: Error, CustomStringConvertible, Sendable, Equatable {
    case agentStart(host: String, reason: String)
    case journal(path: String, reason: String)
    case eventsFile(path: String, reason: String)
    /// SSH could not reach or log in to the host; `reason` is the SSH error, which names the host.
    case hostUnreachable(host: String, reason: String)
    /// `run --resume` / `replay`: the job has no `jobdata/replay.json` (made by an older qcoord, or not a job).
    case noJobRecord(path: String)
    case badJobRecord(path: String, reason: String)

    public var description: String {
        switch self {
        case .agentStart(let host, let reason):
            "host \(host): the agent did not start: \(reason); check that '--python' names a Python 3.8+ interpreter"
        case .hostUnreachable(_, let reason):
            reason
        case .journal(let path, let reason):
            "cannot write the job journal \(path): \(reason); check that the job results directory is writable"
        case .noJobRecord(let path):
            "\(path) is missing or from a newer qcoord: this job cannot be resumed or replayed; run its tests with 'qcoord run' instead"
        case .badJobRecord(let path, let reason):
            "\(path) is damaged (\(reason)): this job cannot be resumed or replayed; run its tests with 'qcoord run' instead"
        case .eventsFile(let path, let reason):
            "cannot open the '--json-events' file \(path): \(reason); check that its directory exists and is writable"
        }
    }
}
