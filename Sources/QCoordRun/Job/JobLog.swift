import Foundation
import Synchronization
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
    /// The last second formatted, and its text.
    private let seconds = Mutex<(second: Int, text: String)>((-1, ""))

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
        var now = timeval()
        gettimeofday(&now, nil)
        let second = Int(now.tv_sec), ms = Int(now.tv_usec) / 1000
        // The local date and time is formatted once a second (a job writes two lines per test).
        let stamp = seconds.withLock { cache -> String in
            if cache.second != second {
                cache = (second, JobDirectory.formatLocal(Date(timeIntervalSince1970: Double(second)), "%Y-%m-%d %H:%M:%S"))
            }
            return cache.text
        }
        let head = stamp + (ms < 10 ? ",00" : ms < 100 ? ",0" : ",") + String(ms) + " qcoord " + Self.levelField(level) + "| "
        var text = ""
        if message.utf8.contains(10) {
            for line in message.split(separator: "\n", omittingEmptySubsequences: false) { text += head + line + "\n" }
        } else {
            text = head + message + "\n"
        }
        _ = text.utf8.withContiguousStorageIfAvailable { write(fd, $0.baseAddress, $0.count) }
            ?? Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        echo?(text)
    }

    /// The level in 5 columns, as Avocado's `%(levelname)-5.5s`: `INFO `, `ERROR`, `WARNI`.
    static func levelField(_ level: String) -> String {
        switch level {
        case "INFO": "INFO "
        case "ERROR": "ERROR"
        case "WARNING": "WARNI"
        default: level.padding(toLength: 5, withPad: " ", startingAt: 0)
        }
    }

    public func info(_ message: String) { log("INFO", message) }
    public func error(_ message: String) { log("ERROR", message) }
    public func warning(_ message: String) { log("WARNING", message) }
}
