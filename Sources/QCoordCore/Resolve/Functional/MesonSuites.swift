/// QEMU's `tests/functional` meson.build files read as DATA (issue 16, "meson.build as data"):
/// the test lists and timeout dictionaries they declare, never a meson evaluation. Pure.
///
/// The subset read is what QEMU's files use to declare tests:
///   `tests_<target>_<mode>_<speed> = ['name', …]`   mode: system | linuxuser | bsduser,
///                                                     speed: quick | thorough
///   `tests_generic_<mode> = ['name', …]`              added to every `<mode>` target's quick list
///   `test_timeouts = {'name': seconds, …}`            QEMU ≤ 10.1 (one flat meson.build)
///   `test_<target>_timeouts = {'name': seconds, …}`   QEMU ≥ 10.2 (one meson.build per directory)
///   `subdir('dir')`                                   ≥ 10.2: the top file pulls in `<dir>/meson.build`
/// Everything else (`if … endif`, `foreach`, calls) is skipped statement by statement. A declaration
/// of that subset this reader cannot take as plain data (inside an `if`/`foreach`, `+=`, a
/// non-literal element, `+` after the literal) is a `MesonParseError` with file:line, never a guess.

/// A meson.build this reader cannot take as data: where, and why.
public struct MesonParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// What one meson.build declares, as data.
public struct MesonDeclarations: Equatable, Sendable {
    public struct Subdir: Equatable, Sendable {
        public var name: String
        public var line: Int
    }

    /// `tests_…` lists, by variable name (a later assignment replaces an earlier one, as in meson).
    public var lists: [String: [String]] = [:]
    /// `test_…timeouts` dictionaries, by variable name.
    public var dicts: [String: [String: Int]] = [:]
    /// `subdir('…')` calls, in order.
    public var subdirs: [Subdir] = []

    public init() {}

    /// Whether a variable name is one this reader takes as data.
    static func isDeclaration(_ name: String) -> Bool {
        name.hasPrefix("tests_") || (name.hasPrefix("test_") && name.hasSuffix("timeouts"))
    }

    /// Parses one meson.build text; `file` only names it in errors.
    public static func parse(_ text: String, file: String) -> Result<MesonDeclarations, MesonParseError> {
        do {
            var parser = try MesonDeclarationParser(tokens: MesonLexer.tokens(text, file: file), file: file)
            return .success(try parser.run())
        } catch let error as MesonParseError {
            return .failure(error)
        } catch {
            return .failure(MesonParseError(file: file, line: 0, message: "\(error)"))
        }
    }
}

// MARK: - Lexer

struct MesonToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case string(String)
        case number(String)
        case punct(String)
        case newline
    }
    var kind: Kind
    var line: Int

    var text: String {
        switch kind {
        case .identifier(let s): return s
        case .string(let s): return "'\(s)'"
        case .number(let s): return s
        case .punct(let s): return s
        case .newline: return "end of line"
        }
    }
}

/// Meson's lexical rules as far as these files need them: `#` comments, '…' and '''…''' strings
/// with backslash escapes, newlines that end a statement only outside brackets, `\` continuations.
enum MesonLexer {
    static func tokens(_ text: String, file: String) throws -> [MesonToken] {
        let b = Array(text.utf8)
        var out: [MesonToken] = []
        var i = 0
        var line = 1
        var openers: [(UInt8, Int)] = []   // bracket and its line
        func fail(_ message: String, _ at: Int) -> MesonParseError {
            MesonParseError(file: file, line: at, message: message)
        }
        func isIdentStart(_ c: UInt8) -> Bool { c == 0x5F || (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x0A:   // \n
                if openers.isEmpty, out.last?.kind != .newline { out.append(MesonToken(kind: .newline, line: line)) }
                line += 1
                i += 1
            case 0x20, 0x09, 0x0D, 0x0C:
                i += 1
            case 0x23:   // # comment
                while i < b.count, b[i] != 0x0A { i += 1 }
            case 0x5C:   // \ continuation
                if i + 1 < b.count, b[i + 1] == 0x0A {
                    line += 1
                    i += 2
                } else if i + 2 < b.count, b[i + 1] == 0x0D, b[i + 2] == 0x0A {
                    line += 1
                    i += 3
                } else {
                    throw fail("stray '\\'", line)
                }
            case 0x27:   // '
                let startLine = line
                let triple = i + 2 < b.count && b[i + 1] == 0x27 && b[i + 2] == 0x27
                i += triple ? 3 : 1
                var value: [UInt8] = []
                var closed = false
                while i < b.count {
                    let d = b[i]
                    if triple {
                        if d == 0x27, i + 2 < b.count, b[i + 1] == 0x27, b[i + 2] == 0x27 {
                            i += 3
                            closed = true
                            break
                        }
                        if d == 0x0A { line += 1 }
                        value.append(d)
                        i += 1
                        continue
                    }
                    if d == 0x0A { break }
                    if d == 0x27 {
                        i += 1
                        closed = true
                        break
                    }
                    if d == 0x5C, i + 1 < b.count {
                        let e = b[i + 1]
                        switch e {
                        case 0x6E: value.append(0x0A)        // \n
                        case 0x74: value.append(0x09)        // \t
                        case 0x27, 0x5C: value.append(e)     // \' and \\
                        default: value.append(d); value.append(e)
                        }
                        i += 2
                        continue
                    }
                    value.append(d)
                    i += 1
                }
                if !closed { throw fail("unterminated string", startLine) }
                out.append(MesonToken(kind: .string(String(decoding: value, as: UTF8.self)), line: startLine))
            case 0x5B, 0x7B, 0x28:   // [ { (
                openers.append((c, line))
                out.append(MesonToken(kind: .punct(String(UnicodeScalar(c))), line: line))
                i += 1
            case 0x5D, 0x7D, 0x29:   // ] } )
                let want: UInt8 = c == 0x5D ? 0x5B : (c == 0x7D ? 0x7B : 0x28)
                guard let top = openers.popLast() else { throw fail("unbalanced '\(UnicodeScalar(c))'", line) }
                if top.0 != want {
                    throw fail("'\(UnicodeScalar(c))' closes '\(UnicodeScalar(top.0))' opened on line \(top.1)", line)
                }
                out.append(MesonToken(kind: .punct(String(UnicodeScalar(c))), line: line))
                i += 1
            default:
                if isIdentStart(c) {
                    let s = i
                    while i < b.count, isIdentStart(b[i]) || isDigit(b[i]) { i += 1 }
                    out.append(MesonToken(kind: .identifier(String(decoding: b[s..<i], as: UTF8.self)), line: line))
                } else if isDigit(c) {
                    let s = i
                    while i < b.count, isIdentStart(b[i]) || isDigit(b[i]) { i += 1 }
                    out.append(MesonToken(kind: .number(String(decoding: b[s..<i], as: UTF8.self)), line: line))
                } else if c < 0x80 {
                    // Operators: two-character ones that matter (`+=`, `==`, `!=`, `<=`, `>=`) stay whole.
                    if i + 1 < b.count, b[i + 1] == 0x3D, [0x2B, 0x3D, 0x21, 0x3C, 0x3E].contains(c) {
                        out.append(MesonToken(kind: .punct(String(decoding: b[i...i + 1], as: UTF8.self)), line: line))
                        i += 2
                    } else {
                        out.append(MesonToken(kind: .punct(String(UnicodeScalar(c))), line: line))
                        i += 1
                    }
                } else {
                    throw fail("unexpected non-ASCII character outside a string", line)
                }
            }
        }
        if let open = openers.last { throw fail("'\(UnicodeScalar(open.0))' is never closed", open.1) }
        if out.last?.kind != .newline { out.append(MesonToken(kind: .newline, line: line)) }
        return out
    }
}

// MARK: - Statements

struct MesonDeclarationParser {
    let tokens: [MesonToken]
    let file: String
    var pos = 0
    var blockDepth = 0
    var result = MesonDeclarations()

    init(tokens: [MesonToken], file: String) {
        self.tokens = tokens
        self.file = file
    }

    func fail(_ message: String, _ token: MesonToken) -> MesonParseError {
        MesonParseError(file: file, line: token.line, message: message)
    }

    var current: MesonToken { tokens[pos] }   // the lexer always ends with a newline

    mutating func run() throws -> MesonDeclarations {
        while pos < tokens.count {
            let t = current
            guard case .identifier(let word) = t.kind else {
                if t.kind != .newline { skipStatement() } else { pos += 1 }
                continue
            }
            let next = pos + 1 < tokens.count ? tokens[pos + 1].kind : .newline
            switch word {
            case "if", "foreach":
                blockDepth += 1
                skipStatement()
            case "endif", "endforeach":
                blockDepth -= 1
                if blockDepth < 0 { throw fail("'\(word)' without an open block", t) }
                skipStatement()
            case "subdir" where next == .punct("("):
                try subdir(t)
            default:
                if MesonDeclarations.isDeclaration(word), next == .punct("=") {
                    try declaration(word, t)
                } else if MesonDeclarations.isDeclaration(word), next == .punct("+=") {
                    throw fail("'\(word) +=' is not supported: the declaration must be one literal", t)
                } else {
                    skipStatement()
                }
            }
        }
        if blockDepth != 0 {
            throw MesonParseError(file: file, line: tokens.last?.line ?? 0, message: "an 'if' or 'foreach' block is never closed")
        }
        return result
    }

    /// To the token after the statement's (bracket-level) newline.
    mutating func skipStatement() {
        while pos < tokens.count, tokens[pos].kind != .newline { pos += 1 }
        pos += 1
    }

    mutating func expectEndOfStatement(_ what: String) throws {
        let t = current
        guard t.kind == .newline else {
            throw fail("unexpected \(t.text) after \(what): only a plain literal is read as data", t)
        }
        pos += 1
    }

    mutating func subdir(_ start: MesonToken) throws {
        if blockDepth > 0 { throw fail("subdir() inside an 'if' or 'foreach' block is not supported", start) }
        pos += 2   // subdir (
        guard case .string(let name) = current.kind else { throw fail("subdir() takes a string literal here", current) }
        pos += 1
        guard current.kind == .punct(")") else { throw fail("expected ')' after subdir('\(name)'", current) }
        pos += 1
        try expectEndOfStatement("subdir('\(name)')")
        result.subdirs.append(.init(name: name, line: start.line))
    }

    mutating func declaration(_ name: String, _ start: MesonToken) throws {
        if blockDepth > 0 {
            throw fail("'\(name)' is declared inside an 'if' or 'foreach' block: a conditional declaration is not data", start)
        }
        pos += 2   // name =
        let open = current
        if name.hasPrefix("tests_") {
            guard open.kind == .punct("[") else { throw fail("'\(name)' must be a list literal [ … ]", open) }
            pos += 1
            var items: [String] = []
            while true {
                let t = current
                if t.kind == .punct("]") { pos += 1; break }
                guard case .string(let s) = t.kind else { throw fail("expected a string in '\(name)', found \(t.text)", t) }
                items.append(s)
                pos += 1
                if current.kind == .punct(",") { pos += 1; continue }
                if current.kind == .punct("]") { continue }
                throw fail("expected ',' or ']' in '\(name)', found \(current.text)", current)
            }
            try expectEndOfStatement("'\(name)'")
            result.lists[name] = items
        } else {
            guard open.kind == .punct("{") else { throw fail("'\(name)' must be a dictionary literal { … }", open) }
            pos += 1
            var dict: [String: Int] = [:]
            while true {
                let t = current
                if t.kind == .punct("}") { pos += 1; break }
                guard case .string(let key) = t.kind else { throw fail("expected a string key in '\(name)', found \(t.text)", t) }
                pos += 1
                guard current.kind == .punct(":") else { throw fail("expected ':' after '\(key)' in '\(name)'", current) }
                pos += 1
                guard case .number(let digits) = current.kind, let seconds = Int(digits) else {
                    throw fail("expected a number of seconds for '\(key)' in '\(name)', found \(current.text)", current)
                }
                if dict[key] != nil { throw fail("duplicate key '\(key)' in '\(name)'", t) }
                dict[key] = seconds
                pos += 1
                if current.kind == .punct(",") { pos += 1; continue }
                if current.kind == .punct("}") { continue }
                throw fail("expected ',' or '}' in '\(name)', found \(current.text)", current)
            }
            try expectEndOfStatement("'\(name)'")
            result.dicts[name] = dict
        }
    }
}

// MARK: - The model: targets, suites, timeouts, files

public enum FunctionalLayout: String, Sendable, Equatable {
    /// QEMU ≤ 10.1: `tests/functional/test_<name>.py`, one meson.build.
    case flat
    /// QEMU ≥ 10.2: `tests/functional/<target>/test_<name>.py`, `generic/`, a meson.build per directory.
    case perTarget = "per-target"
}

public enum FunctionalMode: String, Sendable, Equatable, CaseIterable, Comparable, Codable {
    case system, linuxuser, bsduser
    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum FunctionalSpeed: String, Sendable, Equatable, CaseIterable, Codable {
    case quick, thorough
}

/// One meson test: `func-<target>-<name>` running `file` with `timeout`.
public struct FunctionalMesonTest: Equatable, Hashable, Sendable, Codable {
    public var target: String
    public var mode: FunctionalMode
    public var speed: FunctionalSpeed
    public var name: String
    /// Relative to tests/functional.
    public var file: String
    /// Seconds (meson's default 90 where no dictionary names the test).
    public var timeout: Int

    /// From `tests_generic_<mode>`: meson runs it for every configured target of the mode, also
    /// those without lists of their own (FunctionalMatrix adds such targets from `--arch`).
    public var generic: Bool = false

    public init(target: String, mode: FunctionalMode, speed: FunctionalSpeed, name: String, file: String, timeout: Int,
                generic: Bool = false) {
        self.target = target
        self.mode = mode
        self.speed = speed
        self.name = name
        self.file = file
        self.timeout = timeout
        self.generic = generic
    }

    enum CodingKeys: String, CodingKey { case target, mode, speed, name, file, timeout, generic }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(target: try c.decode(String.self, forKey: .target), mode: try c.decode(FunctionalMode.self, forKey: .mode),
                  speed: try c.decode(FunctionalSpeed.self, forKey: .speed), name: try c.decode(String.self, forKey: .name),
                  file: try c.decode(String.self, forKey: .file), timeout: try c.decode(Int.self, forKey: .timeout),
                  generic: try c.decodeIfPresent(Bool.self, forKey: .generic) ?? false)
    }

    public var mesonName: String { "func-\(target)-\(name)" }

    /// The meson suites the test is in, as QEMU's top meson.build sets them.
    public var suites: [String] {
        switch speed {
        case .quick: ["func-quick", "func-\(target)"]
        case .thorough: ["func-thorough", "func-\(target)-thorough", "thorough"]
        }
    }
}

/// One target in one mode: its lists after `tests_generic_<mode>` is added to quick.
public struct FunctionalTargetSuites: Equatable, Sendable {
    public var target: String
    public var mode: FunctionalMode
    public var quick: [String]
    public var thorough: [String]
    /// The timeouts that apply to this target (flat: the one shared dictionary).
    public var timeouts: [String: Int]
}

public struct FunctionalMesonModel: Equatable, Sendable {
    public static let defaultTimeout = 90

    public var layout: FunctionalLayout
    /// Sorted by target, then mode.
    public var targets: [FunctionalTargetSuites]
    /// Quick ones first, then thorough; within each, by target and list order.
    public var tests: [FunctionalMesonTest]
    /// `tests_…` variables the meson loop never reads (an unknown mode or speed).
    public var unusedVariables: [String]

    /// Meson tests whose file is not among the known paths (meson itself would fail on them).
    public func missingFiles(knownPaths: Set<String>) -> [FunctionalMesonTest] {
        tests.filter { !knownPaths.contains($0.file) }
    }

    /// The meson tests that run a file (relative to tests/functional).
    public func tests(running file: String) -> [FunctionalMesonTest] {
        tests.filter { $0.file == file }
    }
}

public enum MesonSuites {
    /// Reads tests/functional's meson.build files as data.
    /// - files: contents by path relative to tests/functional: `meson.build`, and for the
    ///   per-target layout `<dir>/meson.build` for each `subdir()` of the top file.
    /// - knownPaths: the files present (relative to tests/functional), for the ≥ 10.2 rule
    ///   "`generic/test_<name>.py` if it exists, else `<target>/test_<name>.py`".
    public static func model(files: [String: String], knownPaths: Set<String>) -> Result<FunctionalMesonModel, MesonParseError> {
        guard let topText = files["meson.build"] else {
            return .failure(MesonParseError(file: "meson.build", line: 0, message: "no top-level meson.build"))
        }
        var decls: MesonDeclarations
        switch MesonDeclarations.parse(topText, file: "meson.build") {
        case .failure(let e): return .failure(e)
        case .success(let d): decls = d
        }
        let layout: FunctionalLayout = decls.subdirs.isEmpty ? .flat : .perTarget
        for sub in decls.subdirs {
            let path = "\(sub.name)/meson.build"
            guard let text = files[path] else {
                return .failure(MesonParseError(file: "meson.build", line: sub.line, message: "subdir('\(sub.name)'): no \(path)"))
            }
            switch MesonDeclarations.parse(text, file: path) {
            case .failure(let e): return .failure(e)
            case .success(let d):
                // One meson scope: later assignments replace earlier ones.
                decls.lists.merge(d.lists) { _, new in new }
                decls.dicts.merge(d.dicts) { _, new in new }
                if !d.subdirs.isEmpty {
                    return .failure(MesonParseError(file: path, line: d.subdirs[0].line, message: "nested subdir() is not supported"))
                }
            }
        }
        return .success(build(decls, layout: layout, knownPaths: knownPaths))
    }

    /// `tests_<target>_<mode>_<speed>` split into its parts; nil for other names.
    static func splitListName(_ name: String) -> (target: String, mode: FunctionalMode, speed: FunctionalSpeed)? {
        guard name.hasPrefix("tests_") else { return nil }
        let rest = name.dropFirst("tests_".count)
        for mode in FunctionalMode.allCases {
            for speed in FunctionalSpeed.allCases {
                let suffix = "_\(mode.rawValue)_\(speed.rawValue)"
                if rest.hasSuffix(suffix), rest.count > suffix.count {
                    let target = String(rest.dropLast(suffix.count))
                    if target == "generic" { return nil }
                    return (target, mode, speed)
                }
            }
        }
        return nil
    }

    static func build(_ decls: MesonDeclarations, layout: FunctionalLayout, knownPaths: Set<String>) -> FunctionalMesonModel {
        struct Key: Hashable { var target: String; var mode: FunctionalMode }
        var own: [Key: [FunctionalSpeed: [String]]] = [:]
        var unused: [String] = []
        for (name, items) in decls.lists {
            if let parts = splitListName(name) {
                own[Key(target: parts.target, mode: parts.mode), default: [:]][parts.speed] = items
            } else if !FunctionalMode.allCases.contains(where: { name == "tests_generic_\($0.rawValue)" }) {
                unused.append(name)
            }
        }
        let keys = own.keys.sorted { ($0.target, $0.mode) < ($1.target, $1.mode) }
        var targets: [FunctionalTargetSuites] = []
        for key in keys {
            let lists = own[key]!
            let generic = decls.lists["tests_generic_\(key.mode.rawValue)"] ?? []
            let timeouts = layout == .flat ? decls.dicts["test_timeouts"] ?? [:] : decls.dicts["test_\(key.target)_timeouts"] ?? [:]
            targets.append(FunctionalTargetSuites(target: key.target, mode: key.mode,
                                                  quick: (lists[.quick] ?? []) + generic,
                                                  thorough: lists[.thorough] ?? [], timeouts: timeouts))
        }
        var tests: [FunctionalMesonTest] = []
        for speed in FunctionalSpeed.allCases {
            for t in targets {
                let own = speed == .quick ? Set(own[Key(target: t.target, mode: t.mode)]?[.quick] ?? []) : []
                let generic = speed == .quick ? Set(decls.lists["tests_generic_\(t.mode.rawValue)"] ?? []) : []
                for name in speed == .quick ? t.quick : t.thorough {
                    tests.append(FunctionalMesonTest(target: t.target, mode: t.mode, speed: speed, name: name,
                                                     file: file(for: name, target: t.target, layout: layout, knownPaths: knownPaths),
                                                     timeout: t.timeouts[name] ?? FunctionalMesonModel.defaultTimeout,
                                                     generic: generic.contains(name) && !own.contains(name)))
                }
            }
        }
        return FunctionalMesonModel(layout: layout, targets: targets, tests: tests, unusedVariables: unused.sorted())
    }

    /// The file a meson test name runs, relative to tests/functional.
    public static func file(for name: String, target: String, layout: FunctionalLayout, knownPaths: Set<String>) -> String {
        switch layout {
        case .flat:
            return "test_\(name).py"
        case .perTarget:
            let generic = "generic/test_\(name).py"
            return knownPaths.contains(generic) ? generic : "\(target)/test_\(name).py"
        }
    }
}
