/// What resolving a list of references produced: tests in order (MISSING entries included,
/// where the reference stood) and, for every reference tried, what each loader said.
public struct Resolution: Sendable, Hashable {
    /// Resolved tests and MISSING entries, in reference order.
    public var entries: [TestCase]
    /// One report per reference tried (directories expanded into their files), in order.
    public var reports: [ReferenceReport]
    /// Files that could not be scanned (`file:line: message`), each once.
    public var parseErrors: [ParseError]

    public init(entries: [TestCase] = [], reports: [ReferenceReport] = [], parseErrors: [ParseError] = []) {
        self.entries = entries
        self.reports = reports
        self.parseErrors = parseErrors
    }

    /// The resolved tests, without MISSING entries.
    public var tests: [TestCase] { entries.filter { $0.kind != .missing } }
    /// References nothing resolved.
    public var missing: [String] { entries.filter { $0.kind == .missing }.map(\.name) }
    /// Reports of references no loader resolved.
    public var unresolved: [ReferenceReport] { reports.filter { $0.resolvedBy == nil } }
}

/// How one reference (a user reference, or a file found in a referenced directory) fared.
public struct ReferenceReport: Sendable, Hashable {
    /// The reference as resolved (a file path when it came from a directory).
    public var reference: String
    /// The user's reference it came from (a directory, or the reference itself).
    public var origin: String
    /// Every loader tried, in order, up to the one that resolved it.
    public var attempts: [LoaderAttempt]
    /// Where this reference's tests sit in `Resolution.entries`.
    public var entries: Range<Int>

    public init(reference: String, origin: String, attempts: [LoaderAttempt], entries: Range<Int> = 0..<0) {
        self.reference = reference
        self.origin = origin
        self.attempts = attempts
        self.entries = entries
    }

    /// The loader that produced tests, nil when none did.
    public var resolvedBy: String? {
        attempts.first { if case .resolved = $0.outcome { true } else { false } }?.loader
    }
}

/// One loader's answer for one reference: data, never a thrown error.
public struct LoaderAttempt: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case resolved(count: Int)
        /// The loader does not handle this reference (why, in Avocado's words).
        case notFound(String)
        /// The loader handles this kind of reference but failed on it (e.g. a file that
        /// does not scan); the chain goes on with the next loader.
        case error(String)
    }

    /// `file.INSTRUMENTED`, `file.PyUNITTEST`, `file.SIMPLE`, `external`, `tap`.
    public var loader: String
    public var outcome: Outcome

    public init(loader: String, outcome: Outcome) {
        self.loader = loader
        self.outcome = outcome
    }

    /// The explanation shown by `list -V`.
    public var info: String {
        switch outcome {
        case .resolved(let count): "\(count) test(s)"
        case .notFound(let why): why
        case .error(let why): "error: \(why)"
        }
    }
}

/// A file the scanner could not read or parse: the 1-based line of the problem, or no line
/// (`reading`) when the file could not be read at all.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String
    /// The file could not be read (no line); else it did not parse.
    public var reading: Bool

    public init(path: String, line: Int, message: String, reading: Bool = false) {
        self.path = path
        self.line = line
        self.message = message
        self.reading = reading
    }

    public var description: String { reading ? "\(path): \(message)" : "\(path):\(line): \(message)" }
}
