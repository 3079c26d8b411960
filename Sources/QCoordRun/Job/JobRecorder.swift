import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport

/// The job's journal: every final test result appended to `jobdata/journal.jsonl` as it
/// arrives, one JSON object per line, so a crashed or killed job still leaves its results.
public final class JobRecorder: Sendable {
    public let path: String
    private let fd: Int32

    /// - Parameter mode: of a new file (the job directory's ReportModes.file).
    public init(path: String, mode: mode_t = ReportModes.readable.file) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard fd >= 0 else { throw RunError.journal(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Appends one result; one `write(2)` per line, so lines never interleave.
    public func record(_ result: TestResult) throws {
        var bytes = try JournalLineEncoder.encode(result)
        bytes.append(0x0A)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw RunError.journal(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Reads a journal back (the last line for a uid wins; a torn last line — the coordinator
    /// killed mid-write — and damaged lines are skipped: see `Journal`).
    public static func read(path: String) throws -> [TestResult] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return Journal.parse(Array(data)).results
    }
}
