/// Walks the token stream of a module statement by statement. Blocks are skipped by
/// counting INDENT/DEDENT tokens, so no recursion is involved at any nesting depth.
///
/// It reads the source through a buffer pointer that is valid only during
/// `PythonScanner.scan`'s `withUnsafeBufferPointer`; the parser never outlives that call.
struct PythonModuleParser {
    let source: UnsafeBufferPointer<UInt8>
    let base: UnsafePointer<UInt8>
    let tokens: [PythonToken]
    var i = 0

    init(source: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, tokens: [PythonToken]) {
        self.source = source
        self.base = base
        self.tokens = tokens
    }

    // MARK: - Token helpers

    /// The token at `k`, or the final end marker past the end.
    @inline(__always)
    func tok(_ k: Int) -> PythonToken {
        if k < tokens.count { return tokens[k] }
        return tokens.last ?? PythonToken(kind: .endMarker, start: 0, end: 0, line: 1)
    }

    @inline(__always)
    func isOp(_ k: Int, _ c: UInt8) -> Bool {
        let t = tok(k)
        return t.kind == .op && t.end - t.start == 1 && source[t.start] == c
    }

    func isOp(_ k: Int, _ text: StaticString) -> Bool {
        let t = tok(k)
        return t.kind == .op && matches(t, text)
    }

    /// The hard keyword at `k`, if the token there is one.
    @inline(__always)
    func keyword(_ k: Int) -> PythonKeyword? {
        let t = tok(k)
        guard t.kind == .name else { return nil }
        return PythonKeyword.classify(base, start: t.start, end: t.end)
    }

    func matches(_ t: PythonToken, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard t.end - t.start == n else { return false }
        return text.withUTF8Buffer { buf in
            var j = 0
            while j < n {
                if source[t.start + j] != buf[j] { return false }
                j += 1
            }
            return true
        }
    }

    func text(_ t: PythonToken) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: source[t.start..<t.end]), as: UTF8.self)
    }

    /// Whether token `k` ends a simple statement.
    func endsStatement(_ k: Int) -> Bool {
        let kind = tok(k).kind
        return kind == .newline || kind == .endMarker || isOp(k, 0x3B)
    }

    /// Whether a statement starting with `keyword` is a compound statement (its line may end
    /// in a block, or carry one-line bodies after ':').
    static func isCompound(_ keyword: PythonKeyword?) -> Bool {
        switch keyword {
        case .if, .elif, .else, .while, .for, .try, .except, .finally, .with, .def, .async, .class:
            return true
        default:
            return false
        }
    }

    // MARK: - Block structure

    /// The indentation errors CPython's parser reports, checked over the whole file: an
    /// indented block must follow exactly the lines that end with ':' (at bracket depth 0 a
    /// logical line can only end with ':' when it opens a block).
    func blockStructureError() -> PythonSyntaxError? {
        var k = 0
        let n = tokens.count
        while k < n {
            let t = tokens[k]
            if t.kind == .newline && k > 0 && isOp(k - 1, 0x3A) {
                let next = tok(k + 1)
                if next.kind != .indent {
                    var after = k + 1
                    while tok(after).kind == .dedent { after += 1 }
                    // At the end of the file CPython reports the line of the ':' itself.
                    let line = tok(after).kind == .endMarker ? t.line : next.line
                    return PythonSyntaxError(line: line, message: "expected an indented block after the ':' on line \(t.line)")
                }
            } else if t.kind == .indent && !(k >= 2 && tokens[k - 1].kind == .newline && isOp(k - 2, 0x3A)) {
                return PythonSyntaxError(line: t.line, message: "unexpected indent")
            }
            k += 1
        }
        return nil
    }

    // MARK: - Skipping

    /// Skips from `i` past the end of the logical line, then past an indented block if one follows.
    mutating func skipLineAndBlock() {
        while true {
            let kind = tok(i).kind
            if kind == .endMarker { return }
            i += 1
            if kind == .newline { break }
        }
        if tok(i).kind == .indent { skipBlock() }
    }

    /// Skips one simple statement (up to `;` or the end of the line); a line followed by an
    /// indented block was a compound statement header (e.g. soft-keyword `match`): skip the block too.
    mutating func skipSimpleStatement() {
        while true {
            let t = tok(i)
            if t.kind == .endMarker { return }
            if isOp(i, 0x3B) {
                i += 1
                return
            }
            i += 1
            if t.kind == .newline {
                if tok(i).kind == .indent { skipBlock() }
                return
            }
        }
    }

    /// With `i` at an INDENT, skips past its matching DEDENT.
    mutating func skipBlock() {
        var depth = 0
        while true {
            let kind = tok(i).kind
            if kind == .endMarker { return }
            i += 1
            if kind == .indent {
                depth += 1
            } else if kind == .dedent {
                depth -= 1
                if depth <= 0 { return }
            }
        }
    }

    // MARK: - Module level

    mutating func parseModule() -> PythonModule {
        var module = PythonModule()
        var decorators: [String] = []
        while true {
            let t = tok(i)
            switch t.kind {
            case .endMarker:
                return module
            case .newline, .dedent, .nl, .comment:
                i += 1
            case .indent:
                skipBlock()
                decorators = []
            default:
                let kw = keyword(i)
                if isOp(i, 0x40) { // '@': a decorator of a top-level def/class, kept for a class
                    decorators.append(takeDecorator())
                    continue
                }
                if kw == .import {
                    parseImport(into: &module.imports)
                } else if kw == .from {
                    parseFromImport(into: &module.imports)
                } else if kw == .class {
                    if var cls = parseClass() {
                        cls.decorators = decorators
                        module.classes.append(cls)
                    }
                } else if Self.isCompound(kw) {
                    skipLineAndBlock()
                } else {
                    skipSimpleStatement()
                }
                decorators = []
            }
        }
    }

    /// Reads `NAME (. NAME)*` starting at `i`; empty when `i` is not a name.
    mutating func dottedName() -> [String] {
        var parts: [String] = []
        guard tok(i).kind == .name else { return parts }
        parts.append(text(tok(i)))
        i += 1
        while isOp(i, 0x2E), tok(i + 1).kind == .name {
            parts.append(text(tok(i + 1)))
            i += 2
        }
        return parts
    }

    /// Reads an optional `as NAME`.
    mutating func alias() -> String? {
        guard keyword(i) == .as, tok(i + 1).kind == .name else { return nil }
        let name = text(tok(i + 1))
        i += 2
        return name
    }

    mutating func parseImport(into imports: inout [PythonImport]) {
        let line = tok(i).line
        i += 1
        while true {
            let parts = dottedName()
            if parts.isEmpty { break }
            imports.append(PythonImport(module: parts.joined(separator: "."), alias: alias(), line: line))
            guard isOp(i, 0x2C) else { break }
            i += 1
        }
        skipSimpleStatement()
    }

    mutating func parseFromImport(into imports: inout [PythonImport]) {
        let line = tok(i).line
        i += 1
        var level = 0
        while true {
            if isOp(i, 0x2E) {
                level += 1
            } else if isOp(i, "...") {
                level += 3
            } else {
                break
            }
            i += 1
        }
        let module = keyword(i) == .import ? [] : dottedName()
        guard keyword(i) == .import, level > 0 || !module.isEmpty else {
            skipSimpleStatement()
            return
        }
        i += 1
        let parenthesised = isOp(i, 0x28)
        if parenthesised { i += 1 }
        var names: [PythonImport.Name] = []
        while true {
            if isOp(i, 0x2A) {
                names.append(PythonImport.Name(name: "*"))
                i += 1
            } else if tok(i).kind == .name {
                let name = text(tok(i))
                i += 1
                names.append(PythonImport.Name(name: name, alias: alias()))
            } else {
                break
            }
            guard isOp(i, 0x2C) else { break }
            i += 1
        }
        if parenthesised && isOp(i, 0x29) { i += 1 }
        if !names.isEmpty {
            imports.append(PythonImport(module: module.joined(separator: "."), level: level, names: names, line: line))
        }
        skipSimpleStatement()
    }

    // MARK: - Classes

    /// With `i` at `class`, parses the statement and its body; nil (statement skipped)
    /// when the header is malformed.
    mutating func parseClass() -> PythonClass? {
        let line = tok(i).line
        guard tok(i + 1).kind == .name else {
            skipLineAndBlock()
            return nil
        }
        var cls = PythonClass(name: text(tok(i + 1)), line: line)
        i += 2
        if isOp(i, 0x5B) && !skipTypeParameters() { // Python 3.12 `class A[T](Base):`
            skipLineAndBlock()
            return nil
        }
        if isOp(i, 0x28) {
            guard let bases = parseBases() else {
                skipLineAndBlock()
                return nil
            }
            cls.bases = bases
        }
        guard isOp(i, 0x3A) else {
            skipLineAndBlock()
            return nil
        }
        i += 1
        if tok(i).kind == .newline {
            i += 1
            guard tok(i).kind == .indent else { return cls }
            i += 1
            parseClassBlock(&cls)
        } else {
            // One-line body: `class A(B): pass` / `class A: "doc"; x = 1`.
            cls.docstring = docstring(at: i)
            skipLineAndBlock()
        }
        return cls
    }

    /// With `i` at the `[` of PEP 695 type parameters, moves past the matching `]`; false
    /// when the line ends first.
    mutating func skipTypeParameters() -> Bool {
        var depth = 0
        while true {
            let t = tok(i)
            if t.kind == .newline || t.kind == .endMarker { return false }
            i += 1
            if t.kind == .op && t.end - t.start == 1 {
                let c = source[t.start]
                if c == 0x28 || c == 0x5B || c == 0x7B {
                    depth += 1
                } else if c == 0x29 || c == 0x5D || c == 0x7D {
                    depth -= 1
                    if depth == 0 { return true }
                }
            }
        }
    }

    /// With `i` at the `(` of a class header, returns its positional bases and leaves `i`
    /// past the matching `)`; nil when no matching `)` exists before the end of the line.
    mutating func parseBases() -> [PythonBase]? {
        i += 1
        var bases: [PythonBase] = []
        var depth = 0
        var argStart = i
        while true {
            let t = tok(i)
            if t.kind == .endMarker || t.kind == .newline { return nil }
            if t.kind == .op && t.end - t.start == 1 {
                let c = source[t.start]
                if c == 0x28 || c == 0x5B || c == 0x7B {
                    depth += 1
                } else if c == 0x29 || c == 0x5D || c == 0x7D {
                    if depth == 0 {
                        if let base = base(from: argStart, to: i) { bases.append(base) }
                        i += 1
                        return bases
                    }
                    depth -= 1
                } else if c == 0x2C && depth == 0 {
                    if let base = base(from: argStart, to: i) { bases.append(base) }
                    argStart = i + 1
                }
            }
            i += 1
        }
    }

    /// The base for argument tokens `[a, b)`; nil for keyword arguments and `**kwargs`.
    func base(from a: Int, to b: Int) -> PythonBase? {
        guard a < b else { return nil }
        if isOp(a, "**") { return nil }
        if tok(a).kind == .name && isOp(a + 1, 0x3D) { return nil }
        var dotted: [String]? = []
        var k = a
        while k < b {
            let expectName = (k - a) % 2 == 0
            if expectName {
                guard tok(k).kind == .name, !isReservedName(k) else { dotted = nil; break }
                dotted?.append(text(tok(k)))
            } else if !isOp(k, 0x2E) {
                dotted = nil
                break
            }
            k += 1
        }
        if (b - a) % 2 == 0 { dotted = nil } // ends with a '.'
        return PythonBase(dotted: dotted, text: normalizedText(from: a, to: b))
    }

    func isReservedName(_ k: Int) -> Bool {
        keyword(k) != nil
    }

    /// The source text of tokens `[a, b)` with every gap between tokens collapsed to one
    /// space, and none just inside brackets or before a comma.
    /// At an `@`: the decorator's text up to its line's end; moves past the line.
    mutating func takeDecorator() -> String {
        let start = i + 1
        var end = start
        while tok(end).kind != .newline && tok(end).kind != .endMarker { end += 1 }
        let text = normalizedText(from: start, to: end)
        i = end
        if tok(i).kind == .newline { i += 1 }
        return text
    }

    func normalizedText(from a: Int, to b: Int) -> String {
        var out: [UInt8] = []
        var k = a
        while k < b && k < tokens.count {
            let t = tokens[k]
            if k > a {
                let prev = tokens[k - 1]
                let prevOpens = prev.kind == .op && prev.end - prev.start == 1
                    && (source[prev.start] == 0x28 || source[prev.start] == 0x5B || source[prev.start] == 0x7B)
                let curCloses = t.kind == .op && t.end - t.start == 1
                    && (source[t.start] == 0x29 || source[t.start] == 0x5D || source[t.start] == 0x7D || source[t.start] == 0x2C)
                if t.start > prev.end && !prevOpens && !curCloses { out.append(0x20) }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: source[t.start..<t.end]))
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// With `i` just past the INDENT of a class body, reads the docstring and the methods
    /// defined directly in the body, leaving `i` past the body's DEDENT.
    mutating func parseClassBlock(_ cls: inout PythonClass) {
        cls.docstring = docstring(at: i)
        var decorators: [String] = []
        while true {
            let t = tok(i)
            switch t.kind {
            case .endMarker:
                return
            case .dedent:
                i += 1
                return
            case .newline, .nl, .comment:
                i += 1
            case .indent:
                skipBlock()
            default:
                if isOp(i, 0x40) { // '@'
                    decorators.append(takeDecorator())
                } else if let kw = keyword(i), kw == .def || (kw == .async && keyword(i + 1) == .def) {
                    if let method = parseFunction(decorators: decorators) { cls.methods.append(method) }
                    decorators = []
                } else if Self.isCompound(keyword(i)) {
                    skipLineAndBlock()
                    decorators = []
                } else {
                    skipSimpleStatement()
                    decorators = []
                }
            }
        }
    }

    /// With `i` at `def` or `async`, reads the function header and its docstring and skips its body.
    mutating func parseFunction(decorators: [String]) -> PythonFunction? {
        let line = tok(i).line
        let isAsync = keyword(i) == .async
        if isAsync { i += 1 }
        guard tok(i + 1).kind == .name else {
            skipLineAndBlock()
            return nil
        }
        var function = PythonFunction(name: text(tok(i + 1)), isAsync: isAsync, decorators: decorators, line: line)
        i += 2
        // The header ends at the first ':' outside brackets (lambdas in defaults are inside).
        var depth = 0
        while true {
            let t = tok(i)
            if t.kind == .newline || t.kind == .endMarker {
                skipLineAndBlock()
                return nil
            }
            if t.kind == .op && t.end - t.start == 1 {
                let c = source[t.start]
                if c == 0x28 || c == 0x5B || c == 0x7B {
                    depth += 1
                } else if c == 0x29 || c == 0x5D || c == 0x7D {
                    depth -= 1
                } else if c == 0x3A && depth == 0 {
                    break
                }
            }
            i += 1
        }
        i += 1
        if tok(i).kind == .newline && tok(i + 1).kind == .indent {
            function.docstring = docstring(at: i + 2)
            i += 1
            skipBlock()
        } else {
            function.docstring = docstring(at: i)
            skipLineAndBlock()
        }
        return function
    }

    // MARK: - Docstrings

    /// The docstring when the statement at `k` is a string-literal expression: one or more
    /// adjacent `str` literals, optionally parenthesised. An f-string or bytes part disqualifies it.
    func docstring(at k: Int) -> String? {
        var j = k
        var parens = 0
        while isOp(j, 0x28) {
            parens += 1
            j += 1
        }
        guard tok(j).kind == .string else { return nil }
        let first = j
        while tok(j).kind == .string { j += 1 }
        let last = j
        while parens > 0 {
            guard isOp(j, 0x29) else { return nil }
            parens -= 1
            j += 1
        }
        guard endsStatement(j) else { return nil }
        var out: [UInt8] = []
        for s in first..<last {
            guard PythonStringLiteral.appendStrValue(of: tokens[s], in: source, to: &out) else { return nil }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
