/// Avocado's job exit code: a set of bits.
public struct JobExitCode: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A test FAILed or ERRORed.
    public static let testsFailed = JobExitCode(rawValue: 1)
    /// The job itself failed (nothing resolved, the filter left nothing).
    public static let jobFailed = JobExitCode(rawValue: 2)
    /// qcoord crashed.
    public static let internalError = JobExitCode(rawValue: 4)
    /// A test was INTERRUPTED, or the job was (job timeout, Ctrl-C, failfast).
    public static let interrupted = JobExitCode(rawValue: 8)

    public static let success: JobExitCode = []

    /// The code for a finished job: FAIL/ERROR → 1, any INTERRUPTED or an interrupted job → 8.
    /// WARN, SKIP and CANCEL never change it.
    public static func forJob(_ counts: StatusCounts, jobInterrupted: Bool) -> JobExitCode {
        var code: JobExitCode = []
        if counts.hasFailures { code.insert(.testsFailed) }
        if counts[.interrupted] > 0 || jobInterrupted { code.insert(.interrupted) }
        return code
    }
}
