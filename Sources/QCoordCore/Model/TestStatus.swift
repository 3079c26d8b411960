/// Avocado's test statuses.
public enum TestStatus: String, Codable, Sendable, CaseIterable, Hashable {
    case pass = "PASS"
    case error = "ERROR"
    case fail = "FAIL"
    case skip = "SKIP"
    case warn = "WARN"
    case interrupted = "INTERRUPTED"
    case cancel = "CANCEL"

    /// PASS, WARN, SKIP and CANCEL do not fail a job.
    public var isFine: Bool {
        switch self {
        case .pass, .warn, .skip, .cancel: true
        case .error, .fail, .interrupted: false
        }
    }

    /// The label on the RESULTS line (INTERRUPTED is written INTERRUPT there).
    public var resultsLabel: String { self == .interrupted ? "INTERRUPT" : rawValue }
}
