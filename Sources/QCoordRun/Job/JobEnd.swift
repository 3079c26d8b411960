import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport

/// `jobdata/end.json`: the job reached its end. Written right after the report (results.json…)
/// by `qcoord run`, `run --resume` and `qcoord merge`; removed by `run --resume` before anything
/// runs, so a resumed job that is killed again has none.
///
/// A job directory without it did not finish: qcoord was killed (SIGKILL, the machine went
/// down) or crashed. `interruptedByUser` marks a job cut short by Ctrl-C: it ended, but did not
/// finish either. `qcoord merge` reads it (docs/job-report.md, "qcoord merge").
public struct JobEnd: Sendable, Codable, Equatable {
    public static let file = "jobdata/end.json"
    public static let currentFormat = 1

    public var format: Int
    public var jobID: String
    /// The job's tests (results.json's `total`).
    public var tests: Int
    /// Why the job was interrupted (failfast, job timeout, Ctrl-C); nil when it was not.
    public var interruption: String?
    /// Ctrl-C (once or twice): the job did not run all it would have.
    public var interruptedByUser: Bool
    /// The job's exit code (Avocado's bits).
    public var exitCode: Int32
    /// Epoch seconds it was written.
    public var time: Double

    enum CodingKeys: String, CodingKey {
        case format, tests, interruption, time
        case jobID = "job_id"
        case interruptedByUser = "interrupted_by_user"
        case exitCode = "exit_code"
    }

    public init(jobID: String, tests: Int, interruption: String?, interruptedByUser: Bool, exitCode: JobExitCode,
                time: Double = Date().timeIntervalSince1970) {
        format = Self.currentFormat
        self.jobID = jobID
        self.tests = tests
        self.interruption = interruption
        self.interruptedByUser = interruptedByUser
        self.exitCode = exitCode.rawValue
        self.time = time
    }

    /// Writes `jobDir/jobdata/end.json` (a temporary file renamed over it: never half there).
    /// - Parameter mode: the file's (the job directory's ReportModes.file).
    public func write(jobDir: String, mode: mode_t = ReportModes.readable.file) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        let target = jobDir + "/" + Self.file
        let tmp = target + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: Int(mode)]),
              rename(tmp, target) == 0 else {
            let e = errno
            unlink(tmp)
            throw ReportError.cannotWrite(path: target, errno: e)
        }
    }

    /// The end record of `jobDir`; nil when there is none (or it does not decode).
    public static func load(jobDir: String) -> JobEnd? {
        guard let data = FileManager.default.contents(atPath: jobDir + "/" + file),
              let end = try? JSONDecoder().decode(JobEnd.self, from: data), end.format <= currentFormat else { return nil }
        return end
    }

    /// `run --resume`: the job is running again, so it has not ended.
    public static func remove(jobDir: String) {
        unlink(jobDir + "/" + file)
    }
}
