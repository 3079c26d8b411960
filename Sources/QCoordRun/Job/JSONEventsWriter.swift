import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport

/// `--json-events FILE|-`: every job event as one NDJSON line, written as it happens (one
/// `write(2)` per line, so a reader tailing the file never sees half a line).
public final class JSONEventsWriter: Sendable {
    private let fd: Int32
    private let owned: Bool

    /// "-" is stdout; a file is created (or truncated) 0600.
    public init(target: String) throws {
        if target == "-" {
            fd = 1
            owned = false
        } else {
            fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw RunError.eventsFile(path: target, reason: String(cString: strerror(errno))) }
            owned = true
        }
    }

    deinit { if owned { close(fd) } }

    public var sink: JobEventSink {
        JobEventSink { [self] event in write(JobEventJSONRenderer.line(event)) }
    }

    func write(_ line: String) {
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            // A reader that went away must not stop the job.
            if n <= 0 { return }
            offset += n
        }
    }
}
