/// Failures of the job report writer, with what to do about them.
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotCreate(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case unsafeName(test: String, name: String)
    case noJobs(base: String)
    case notAJob(reference: String)
    case ambiguousJob(reference: String, count: Int)
    case unreadableResults(path: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let e):
            "cannot create \(path): \(errnoText(e)); check that the job results directory is writable (--job-results-dir)"
        case .cannotWrite(let path, let e):
            "cannot write \(path): \(errnoText(e))"
        case .unsafeName(let test, let name):
            "refused a file named \(name.debugDescription) for test \(test): files may only be written inside the test's directory (no absolute paths, no '..', no symlinks)"
        case .noJobs(let base):
            "no job in \(base) (no 'latest' link); run a job first, or name the directory with --job-results-dir"
        case .notAJob(let ref):
            "no job matches \(ref.debugDescription): give a job directory (holding an 'id' file), 'latest', or a prefix of a job id from 'qcoord jobs list'"
        case .ambiguousJob(let ref, let count):
            "\(count) jobs have ids starting with \(ref.debugDescription); give more characters of the id"
        case .unreadableResults(let path):
            "cannot read \(path) as JSON; the job may still be running or was killed (its results are in jobdata/journal.jsonl)"
        }
    }
}
