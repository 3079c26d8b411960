/// A tokenizer for Python 3 source given as UTF-8 bytes, following CPython's tokenizer rules
/// for the parts a static scanner relies on: logical lines, INDENT/DEDENT, brackets, strings.
///
/// It never traps on malformed input: every problem CPython's tokenizer would reject (and
/// a few of its early parser checks, such as mismatched brackets) is returned as a
/// `PythonSyntaxError` with a 1-based line. After an error, `next()` keeps returning it.
///
/// The bytes must be UTF-8 (a leading BOM is skipped); PEP 263 coding lines are applied by
/// `PythonScanner`, not here. f-strings are one STRING token; their replacement fields are
/// followed with Python 3.12 rules, a superset of 3.11's (nested strings may reuse the quote).
public struct PythonTokenizer {
    /// CPython's limits (MAXLEVEL, MAXINDENT); they also bound our own stacks.
    static let maxBracketDepth = 200
    static let maxIndentDepth = 100
    /// Nested f-string frames (literal / expression / format spec) allowed before giving up.
    static let maxFStringFrames = 200

    public let bytes: [UInt8]
    /// Keeps `base` alive; the tokenizer reads only through `base`/`count`.
    private let storage: PythonSourceStorage
    /// The source followed by zero padding (see `PythonSourceStorage`): `base[p]` is
    /// readable for every `p <= count`, and positions never pass `count`.
    let base: UnsafePointer<UInt8>
    let count: Int
    let classes: UnsafePointer<UInt8>
    /// Emit `.comment` and `.nl` tokens; the scanner does not need them.
    public let includeTrivia: Bool

    var pos: Int
    var line = 1
    private var indents: [Int] = [0]
    /// Indentation measured with a tab size of 1: CPython compares both to detect
    /// inconsistent mixes of tabs and spaces (TabError).
    private var altIndents: [Int] = [0]
    private var brackets: [OpenBracket] = []
    private var atLineStart = true
    /// Whether the current logical line has produced a real token yet (for NEWLINE vs NL).
    var lineHasTokens = false
    private var pendingDedents = 0
    private var finished = false
    private(set) var failure: PythonSyntaxError?
    private var validated = false

    private struct OpenBracket: Sendable {
        var byte: UInt8
        var line: Int
    }

    public init(_ bytes: [UInt8], includeTrivia: Bool = true) {
        self.bytes = bytes
        self.includeTrivia = includeTrivia
        storage = PythonSourceStorage(bytes)
        base = UnsafePointer(storage.pointer)
        count = bytes.count
        classes = PythonByteClass.table
        // A UTF-8 byte order mark at file start is not part of the source.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            pos = 3
        } else {
            pos = 0
        }
    }

    public init(_ bytes: some Collection<UInt8>, includeTrivia: Bool = true) {
        self.init(Array(bytes), includeTrivia: includeTrivia)
    }

    /// Tokenizes the whole source, stopping at the first error.
    public static func tokenize(_ bytes: [UInt8], includeTrivia: Bool = true) -> Result<[PythonToken], PythonSyntaxError> {
        var tokenizer = PythonTokenizer(bytes, includeTrivia: includeTrivia)
        var tokens: [PythonToken] = []
        // Real code averages about seven bytes per token; reserving for four avoids regrowth.
        tokens.reserveCapacity(bytes.count / 4 + 16)
        while let token = tokenizer.nextToken() {
            tokens.append(token)
            if token.kind == .endMarker { return .success(tokens) }
        }
        return .failure(tokenizer.failure ?? PythonSyntaxError(line: tokenizer.line, message: "tokenizer stopped without an error"))
    }

    // MARK: - Byte access

    /// The byte at `i`, or 0 past the end. NUL bytes inside the source are rejected up front,
    /// so 0 is an unambiguous end-of-input sentinel.
    @inline(__always)
    func at(_ i: Int) -> UInt8 {
        i < count ? base[i] : 0
    }

    @inline(__always)
    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }

    @inline(__always)
    static func isIdentifierContinue(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || (b >= 0x30 && b <= 0x39)
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    // MARK: - Errors

    /// Records the error (later calls keep returning it) and yields no token.
    mutating func fail(_ message: String, line: Int) -> PythonToken? {
        failure = PythonSyntaxError(line: line, message: message)
        return nil
    }

    @inline(__always)
    func token(_ kind: PythonToken.Kind, _ start: Int, _ end: Int, line: Int? = nil) -> PythonToken? {
        PythonToken(kind: kind, start: start, end: end, line: line ?? self.line)
    }

    // MARK: - Tokens

    /// The next token; `.endMarker` once the input is exhausted (repeatedly).
    public mutating func next() -> Result<PythonToken, PythonSyntaxError> {
        if let token = nextToken() { return .success(token) }
        return .failure(failure ?? PythonSyntaxError(line: line, message: "tokenizer stopped without an error"))
    }

    /// The next token, or nil after an error (then stored in `failure`). Internal callers use
    /// this form: an optional of a trivial struct is cheaper to pass around than a Result.
    @inline(__always)
    mutating func nextToken() -> PythonToken? {
        if failure != nil { return nil }
        if !validated {
            validated = true
            if count >= Int(Int32.max) {
                return fail("source file too large (2 GiB or more)", line: 1)
            }
            if let error = Self.validateUTF8(bytes, from: pos) {
                failure = error
                return nil
            }
        }
        if pendingDedents > 0 {
            pendingDedents -= 1
            return token(.dedent, pos, pos)
        }
        while true {
            if atLineStart && brackets.isEmpty {
                atLineStart = false
                if let indentation = measureIndentation() { return indentation }
                if failure != nil { return nil }
            }
            // Whitespace between tokens.
            var b = base[pos]
            while classes[Int(b)] & PythonByteClass.horizontalSpace != 0 {
                pos += 1
                b = base[pos]
            }
            let start = pos
            if pos >= count {
                return endOfInput()
            }
            switch b {
            case 0x23: // '#'
                var p = pos + 1
                while base[p] != 0x0A && base[p] != 0x0D && base[p] != 0 { p += 1 }
                p = min(p, count)
                pos = p
                if includeTrivia { return token(.comment, start, p) }
                continue
            case 0x0A, 0x0D:
                let tokenLine = line
                consumeNewline()
                if !brackets.isEmpty || !lineHasTokens {
                    if brackets.isEmpty { atLineStart = true }
                    if includeTrivia { return token(.nl, start, pos, line: tokenLine) }
                    continue
                }
                lineHasTokens = false
                atLineStart = true
                return token(.newline, start, pos, line: tokenLine)
            case 0x5C: // '\\' line continuation
                let next = at(pos + 1)
                if next == 0x0A || next == 0x0D {
                    pos += 1
                    consumeNewline()
                    if pos >= count {
                        return fail("unexpected EOF while parsing (line continuation at end of file)", line: line - 1)
                    }
                    continue
                }
                if pos + 1 >= count {
                    return fail("unexpected EOF while parsing (line continuation at end of file)", line: line)
                }
                return fail("unexpected character after line continuation character", line: line)
            case 0x22, 0x27: // '"', '\''
                lineHasTokens = true
                return scanString(start: start, prefixLength: 0)
            default:
                break
            }
            lineHasTokens = true
            if classes[Int(b)] & PythonByteClass.identifierStart != 0 {
                var p = pos + 1
                var allBits = b
                while classes[Int(base[p])] & PythonByteClass.identifierContinue != 0 {
                    allBits |= base[p]
                    p += 1
                }
                let q = base[p]
                if (q == 0x22 || q == 0x27) && p - pos <= 2 && PythonStringPrefix(bytes, start: pos, end: p) != nil {
                    return scanString(start: start, prefixLength: p - pos)
                }
                if allBits >= 0x80, let bad = invalidIdentifierScalar(from: pos, to: p) {
                    return fail(invalidCharacterMessage(bad), line: line)
                }
                pos = p
                return token(.name, start, p)
            }
            if Self.isDigit(b) || (b == 0x2E && Self.isDigit(at(pos + 1))) {
                pos = scanNumber(from: pos)
                return token(.number, start, pos)
            }
            return scanOperator(start: start)
        }
    }

    /// Consumes one line break (`\n`, `\r\n` or a lone `\r`) at `pos`.
    @inline(__always)
    mutating func consumeNewline() {
        if at(pos) == 0x0D && at(pos + 1) == 0x0A {
            pos += 2
        } else {
            pos += 1
        }
        line += 1
    }

    private mutating func endOfInput() -> PythonToken? {
        if let open = brackets.last {
            return fail("'\(Character(Unicode.Scalar(open.byte)))' was never closed (end of file inside brackets)", line: open.line)
        }
        if lineHasTokens {
            // CPython ends an unterminated last line with an implicit NEWLINE.
            lineHasTokens = false
            return token(.newline, pos, pos)
        }
        if indents.count > 1 {
            indents.removeLast()
            altIndents.removeLast()
            return token(.dedent, pos, pos)
        }
        finished = true
        return token(.endMarker, pos, pos)
    }

    /// Handles the indentation of a new logical line; returns INDENT / DEDENT, or nil when
    /// the line is blank, keeps the current level, or is an error (then `failure` is set).
    private mutating func measureIndentation() -> PythonToken? {
        var col = 0
        var p = pos
        // Eight spaces at a time first (the usual indentation); the zero padding after the
        // source makes the 8-byte read safe for every p <= count.
        let raw = UnsafeRawPointer(base)
        while raw.loadUnaligned(fromByteOffset: p, as: UInt64.self) == 0x2020_2020_2020_2020 {
            p += 8
            col += 8
        }
        var altCol = col
        loop: while true {
            switch base[p] {
            case 0x20:
                col += 1
                altCol += 1
            case 0x09:
                col = (col / 8 + 1) * 8
                altCol += 1
            case 0x0C: // form feed resets the column, as in CPython
                col = 0
                altCol = 0
            default:
                break loop
            }
            p += 1
        }
        pos = p
        let b = at(p)
        // Blank and comment-only lines never change the indentation.
        if b == 0x23 || b == 0x0A || b == 0x0D || p >= count { return nil }
        // A line made only of a continuation backslash is not a statement start either.
        if b == 0x5C { return nil }
        let top = indents.count - 1
        if col == indents[top] {
            if altCol != altIndents[top] {
                return fail("inconsistent use of tabs and spaces in indentation", line: line)
            }
            return nil
        }
        if col > indents[top] {
            if indents.count >= Self.maxIndentDepth {
                return fail("too many levels of indentation", line: line)
            }
            if altCol <= altIndents[top] {
                return fail("inconsistent use of tabs and spaces in indentation", line: line)
            }
            indents.append(col)
            altIndents.append(altCol)
            return token(.indent, p, p)
        }
        var dedents = 0
        var level = top
        while level > 0 && col < indents[level] {
            level -= 1
            dedents += 1
        }
        if col != indents[level] {
            return fail("unindent does not match any outer indentation level", line: line)
        }
        if altCol != altIndents[level] {
            return fail("inconsistent use of tabs and spaces in indentation", line: line)
        }
        for _ in 0..<dedents {
            indents.removeLast()
            altIndents.removeLast()
        }
        pendingDedents = dedents - 1
        return token(.dedent, p, p)
    }

    private func scanNumber(from start: Int) -> Int {
        var p = start
        let first = at(p)
        if first == 0x30 {
            let x = at(p + 1) | 0x20
            if x == 0x78 || x == 0x6F || x == 0x62 { // 0x 0o 0b
                p += 2
                while true {
                    let c = at(p)
                    let l = c | 0x20
                    if Self.isDigit(c) || c == 0x5F || (l >= 0x61 && l <= 0x66) { p += 1 } else { break }
                }
                return p
            }
        }
        while Self.isDigit(at(p)) || at(p) == 0x5F { p += 1 }
        if at(p) == 0x2E {
            p += 1
            while Self.isDigit(at(p)) || at(p) == 0x5F { p += 1 }
        }
        if at(p) | 0x20 == 0x65 { // exponent
            let s = at(p + 1)
            if Self.isDigit(s) {
                p += 1
            } else if (s == 0x2B || s == 0x2D) && Self.isDigit(at(p + 2)) {
                p += 2
            }
            if p > start, Self.isDigit(at(p)) {
                while Self.isDigit(at(p)) || at(p) == 0x5F { p += 1 }
            }
        }
        if at(p) | 0x20 == 0x6A { p += 1 } // imaginary
        return p
    }

    private mutating func scanOperator(start: Int) -> PythonToken? {
        let c = at(start)
        let d = at(start + 1)
        let e = at(start + 2)
        let length: Int
        switch c {
        case 0x28, 0x5B, 0x7B: // ( [ {
            if brackets.count >= Self.maxBracketDepth {
                return fail("too many nested parentheses", line: line)
            }
            brackets.append(OpenBracket(byte: c, line: line))
            length = 1
        case 0x29, 0x5D, 0x7D: // ) ] }
            let close = Character(Unicode.Scalar(c))
            guard let open = brackets.popLast() else {
                return fail("unmatched '\(close)'", line: line)
            }
            let expected: UInt8 = open.byte == 0x28 ? 0x29 : open.byte + 2 // '[' → ']', '{' → '}'
            if c != expected {
                let opening = Character(Unicode.Scalar(open.byte))
                let suffix = open.line == line ? "" : " on line \(open.line)"
                return fail("closing parenthesis '\(close)' does not match opening parenthesis '\(opening)'\(suffix)", line: line)
            }
            length = 1
        case 0x2C, 0x3B, 0x7E: // , ; ~
            length = 1
        case 0x2E: // . or ...
            length = (d == 0x2E && e == 0x2E) ? 3 : 1
        case 0x2A, 0x2F, 0x3C, 0x3E: // * / < > (doubled forms and augmented assignment)
            if d == c {
                length = e == 0x3D ? 3 : 2
            } else {
                length = d == 0x3D ? 2 : 1
            }
        case 0x2D: // - -= ->
            length = (d == 0x3D || d == 0x3E) ? 2 : 1
        case 0x3A, 0x3D, 0x2B, 0x25, 0x26, 0x7C, 0x5E, 0x40: // : = + % & | ^ @
            length = d == 0x3D ? 2 : 1
        case 0x21: // '!' exists only as '!='
            guard d == 0x3D else { return fail("invalid syntax: '!' is only valid in '!='", line: line) }
            length = 2
        default:
            return fail(invalidCharacterMessage(at: start), line: line)
        }
        pos = start + length
        return token(.op, start, pos)
    }

    /// The first scalar of a non-ASCII name that Python does not allow in identifiers
    /// (Unicode XID_Start / XID_Continue), e.g. '€', a smart quote or a no-break space.
    private func invalidIdentifierScalar(from start: Int, to end: Int) -> Unicode.Scalar? {
        var iterator = UnsafeBufferPointer(start: base + start, count: end - start).makeIterator()
        var decoder = UTF8()
        var first = true
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let allowed = first
                    ? (scalar == "_" || scalar.properties.isXIDStart)
                    : scalar.properties.isXIDContinue
                if !allowed { return scalar }
                first = false
            case .emptyInput, .error: // the source was validated as UTF-8 already
                return nil
            }
        }
    }

    private func invalidCharacterMessage(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        if scalar.properties.generalCategory == .spaceSeparator || scalar.properties.generalCategory == .format
            || scalar.properties.generalCategory == .control {
            return "invalid non-printable character U+\(padded)"
        }
        return "invalid character '\(Character(scalar))' (U+\(padded))"
    }

    private func invalidCharacterMessage(at p: Int) -> String {
        let b = at(p)
        if b < 0x20 || b == 0x7F {
            return "invalid non-printable character U+\(String(b, radix: 16, uppercase: true))"
        }
        return "invalid character '\(Character(Unicode.Scalar(b)))'"
    }
}
