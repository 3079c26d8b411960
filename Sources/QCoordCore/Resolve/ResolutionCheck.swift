import Foundation

/// What `list` and `run` do about what resolution could not do: files that could not be read
/// or parsed (their tests are not in the job) and references nothing resolved. The one place
/// this is decided, for both commands.
///
/// Avocado 113 drops a broken file found in a directory without a word and exits 0; qcoord
/// names it and fails (exit bit 2) unless `--ignore-missing-references`, which also lets a job
/// run when some references resolve to nothing (Avocado's flag, same meaning).
public struct ResolutionCheck: Sendable, Hashable {
    public enum Command: Sendable, Hashable { case list, run }

    /// Files whose tests are lost because they could not be read or parsed, in path order.
    /// A file that resolved anyway (an executable `.py` taken as SIMPLE) is not among them.
    public var unreadable: [ParseError]
    /// References nothing resolved.
    public var missing: [String]
    /// The job's tests (MISSING entries excluded) before any tag filter.
    public var testCount: Int
    /// The user's references, in order (directories as given).
    public var references: [String]
    public var command: Command
    public var ignoreMissingReferences: Bool

    public init(_ resolution: Resolution, command: Command, ignoreMissingReferences: Bool) {
        let resolved = Set(resolution.reports.filter { $0.resolvedBy != nil }.map(\.reference))
        unreadable = resolution.parseErrors.filter { !resolved.contains($0.path) }
        missing = resolution.missing
        testCount = resolution.tests.count
        var seen: Set<String> = []
        references = resolution.reports.map(\.origin).filter { seen.insert($0).inserted }
        self.command = command
        self.ignoreMissingReferences = ignoreMissingReferences
    }

    /// One stderr line per unreadable file: `qcoord: FILE:LINE: cannot parse: MESSAGE — its tests are not in this job`.
    public var fileLines: [String] { unreadable.map(Self.line) }

    public static func line(_ error: ParseError) -> String {
        let what = error.reading ? "\(error.path): \(oneLine(error.message))"
                                 : "\(error.path):\(error.line): cannot parse: \(oneLine(error.message))"
        return "qcoord: \(what) — its tests are not in this job"
    }

    /// `1 file could not be read or parsed`; nil when every file was.
    public var summaryLine: String? {
        guard !unreadable.isEmpty else { return nil }
        let n = unreadable.count
        return "\(n) \(n == 1 ? "file" : "files") could not be read or parsed"
            + (ignoreMissingReferences ? " (ignored: --ignore-missing-references)" : "")
    }

    /// The job fails (exit bit 2; `list` exits 2): a file could not be read or parsed and
    /// `--ignore-missing-references` was not given. `run` still runs the other tests.
    public var failsJob: Bool { !unreadable.isEmpty && !ignoreMissingReferences }

    /// `run` only: why the job does not start (exit 2), nil when it does. As Avocado: any
    /// reference nothing resolves stops it, unless `--ignore-missing-references`; nothing to
    /// run stops it always (Avocado then exits 4, an internal error; qcoord says 2, the job failed).
    public var refusal: String? {
        guard command == .run else { return nil }
        if !missing.isEmpty && !ignoreMissingReferences {
            let refs = missing.joined(separator: " ")
            return "No tests found for given test references: \(refs)\nTry 'qcoord list -V \(refs)' for details"
        }
        if testCount == 0 {
            return ignoreMissingReferences
                ? "Suite is empty: no test reference resolved to a test (--ignore-missing-references dropped the rest)"
                : "No tests found for given test references: \(references.joined(separator: " "))\nTry 'qcoord list -V \(references.joined(separator: " "))' for details"
        }
        return nil
    }

    /// Multi-line text folded into one line (a reason or message is always one line).
    public static func oneLine(_ text: String) -> String {
        OneLine.fold(text)
    }
}
