/// Failures of the job report writer, with what to do about them.
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotCreate(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case unsafeName(test: String, name: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let e):
            "cannot create \(path): \(errnoText(e)); check that the job results directory is writable (--job-results-dir)"
        case .cannotWrite(let path, let e):
            "cannot write \(path): \(errnoText(e))"
        case .unsafeName(let test, let name):
            "refused a file named \(name.debugDescription) for test \(test): files may only be written inside the test's directory (no absolute paths, no '..', no symlinks)"
        }
    }
}
