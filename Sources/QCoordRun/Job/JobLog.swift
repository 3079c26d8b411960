import Foundation
import QCoordReport
#if canImport(Glibc)
import Glibc
#endif

/// The job's job.log: timestamped lines, appended from any thread (agent stderr readers,
/// the coordinator), so each line is one `write(2)` on an O_APPEND descriptor.
public final class JobLog: Sendable {
    private let fd: Int32
    /// `--show-job-log`: every line also goes here (stdout), as written.
    private let echo: (@Sendable (String) -> Void)?

    /// - Parameters:
    ///   - mode: of a new file (the job directory's ReportModes.file).
    ///   - echo: also given every line written (`--show-job-log`).
    public init(path: String, mode: mode_t = ReportModes.readable.file, echo: (@Sendable (String) -> Void)? = nil) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        self.echo = echo
    }

    deinit { if fd >= 0 { close(fd) } }

    public func log(_ level: String, _ message: String) {
        guard fd >= 0 else { return }
        let now = Date()
        let ms = Int((now.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let stamp = JobDirectory.formatLocal(now, "%Y-%m-%d %H:%M:%S") + "," + String(format: "%03d", ms)
        var text = ""
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "\(stamp) qcoord \(level.padding(toLength: 5, withPad: " ", startingAt: 0))| \(line)\n"
        }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        echo?(text)
    }

    public func info(_ message: String) { log("INFO", message) }
    public func error(_ message: String) { log("ERROR", message) }
    public func warning(_ message: String) { log("WARNING", message) }
}
