import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// What a job needs to run again, written at its start to `jobdata/replay.json`: the `qcoord run`
/// arguments (options, references, filters, hosts or inventory, timeouts, the arch matrix…), the
/// directory they are relative to, the tests' environment, and the resolved test list in uid
/// order (matrix copies `;arch=A` and shards included). `run --resume` and `replay` run this
/// list as recorded rather than resolving the references again, so uids stay the same even if
/// the test tree changed since.
public struct JobRecord: Sendable, Codable, Equatable {
    public static let file = "jobdata/replay.json"
    public static let currentFormat = 1

    public var format: Int
    /// `qcoord run`'s arguments (without `qcoord run`).
    public var arguments: [String]
    /// The working directory the arguments are relative to.
    public var workdir: String
    /// The test references (given, or from AVOCADO_TESTS), as jobdata/test_references has them.
    public var references: [String]
    /// The tests' environment (forwarded gates and `--env`): a resumed job must not take
    /// them from whatever environment the resuming shell has.
    public var env: [String: String]
    /// The job's tests; uid = index + 1.
    public var tests: [TestCase]

    public init(arguments: [String], workdir: String, references: [String], env: [String: String], tests: [TestCase]) {
        format = Self.currentFormat
        self.references = references
        self.arguments = arguments
        self.workdir = workdir
        self.env = env
        self.tests = tests
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The record of the job in `jobDir`.
    public static func load(jobDir: String) throws -> JobRecord {
        let path = jobDir + "/" + file
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunError.noJobRecord(path: path)
        }
        do {
            let record = try JSONDecoder().decode(JobRecord.self, from: data)
            guard record.format <= currentFormat else { throw RunError.noJobRecord(path: path) }
            return record
        } catch let e as RunError {
            throw e
        } catch {
            throw RunError.badJobRecord(path: path, reason: "\(error)")
        }
    }
}

/// A job run again in its own directory (`qcoord run --resume`): the earlier results kept.
public struct JobResume: Sendable {
    /// The job directory to finish.
    public var directory: String
    /// index → the earlier run's result; these tests do not run again.
    public var completed: [Int: TestResult]
    /// Lines for job.log about how the journal was read (a torn last line, mismatches).
    public var notes: [String]

    public init(directory: String, completed: [Int: TestResult], notes: [String] = []) {
        self.directory = directory
        self.completed = completed
        self.notes = notes
    }
}

/// Reading `jobdata/journal.jsonl` back for a resume or a replay.
public enum JobJournal {
    public static func path(jobDir: String) -> String { jobDir + "/jobdata/journal.jsonl" }

    /// The journal of `jobDir` (empty when the job recorded no result) and what to say about it.
    /// With `repair`, a torn last line is cut off the file, so results appended by the resumed
    /// job start on a line of their own.
    public static func read(jobDir: String, repair: Bool) throws -> (Journal, [String]) {
        let path = path(jobDir: jobDir)
        guard FileManager.default.fileExists(atPath: path) else { return (Journal(), []) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunError.journal(path: path, reason: "cannot read it")
        }
        let journal = Journal.parse(Array(data))
        var notes: [String] = []
        if journal.tornTail > 0 {
            notes.append("journal \(path): the last line (\(journal.tornTail) bytes, a write cut short when the "
                         + "coordinator died) was skipped" + (repair ? " and cut off" : ""))
            if repair, truncate(path, off_t(journal.cleanLength)) != 0 {
                throw RunError.journal(path: path, reason: String(cString: strerror(errno)))
            }
        }
        if !journal.badLines.isEmpty {
            notes.append("journal \(path): lines \(journal.badLines.map(String.init).joined(separator: ", ")) "
                         + "are not results and were skipped")
        }
        return (journal, notes)
    }
}
