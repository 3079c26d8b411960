/// Failures of running a job, with what to do about them.
public enum RunError: Error, CustomStringConvertible, Sendable, Equatable {
    case agentStart(host: String, reason: String)
    case journal(path: String, reason: String)
    /// SSH could not reach or log in to the host; `reason` is the SSH error, which names the host.
    case hostUnreachable(host: String, reason: String)

    public var description: String {
        switch self {
        case .agentStart(let host, let reason):
            "host \(host): the agent did not start: \(reason); check that '--python' names a Python 3.8+ interpreter"
        case .hostUnreachable(_, let reason):
            reason
        case .journal(let path, let reason):
            "cannot write the job journal \(path): \(reason); check that the job results directory is writable"
        }
    }
}
