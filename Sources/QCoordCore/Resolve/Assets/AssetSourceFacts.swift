/// What one Python module says about the files its tests download, read from the tokens (never
/// executed; docs/assets.md): the simple bindings (`NAME = <expression>`) at module level, in
/// class bodies and in functions, the `fetch_asset(…)` calls and `self.<name>(…)` calls of each
/// method, and each function's parameters. `AssetDiscovery` resolves the expressions.
struct AssetSourceFacts: Sendable, Hashable {
    /// An expression as far as asset discovery reads it; anything else is `.other` with its text.
    indirect enum Expr: Sendable, Hashable {
        case string(String)
        case name(String)
        /// `base.attr` with a simple name as base (`self.KERNEL_URL`, `OtherTest.ASSET_X`).
        case attribute(String, String)
        /// `a + b + …`
        case sum([Expr])
        case list([Expr])
        /// `'…%s…' % value` or `% (a, b)`: only `%s` and `%%` directives are evaluated.
        case percent(Expr, [Expr])
        /// An f-string whose fields are plain names or `self.X` (no conversion, no format spec).
        case fstring([Expr])
        /// `Asset(url, hash)` (QEMU tests/functional).
        case asset(url: Expr, hash: Expr?)
        case other(String)

        var text: String {
            switch self {
            case .string(let s): return "'\(s)'"
            case .name(let n): return n
            case .attribute(let b, let a): return "\(b).\(a)"
            case .sum(let parts): return parts.map(\.text).joined(separator: " + ")
            case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
            case .percent(let f, let args): return f.text + " % (" + args.map(\.text).joined(separator: ", ") + ")"
            case .fstring(let parts): return "f'" + parts.map { if case .string(let s) = $0 { s } else { "{\($0.text)}" } }.joined() + "'"
            case .asset(let url, let hash): return "Asset(\(url.text)\(hash.map { ", " + $0.text } ?? ""))"
            case .other(let t): return t
            }
        }
    }

    /// A `fetch_asset(…)` call: its arguments as written.
    struct Call: Sendable, Hashable {
        var positional: [Expr] = []
        var keywords: [String: Expr] = [:]
        var line: Int
    }

    struct Function: Sendable, Hashable {
        var parameters: Set<String> = []
        /// Every value bound to a name in the body (any depth); more than one: not a constant.
        var bindings: [String: [Expr]] = [:]
        /// `self.<name>(…)` calls, in source order, each once.
        var selfCalls: [String] = []
        var fetchCalls: [Call] = []
    }

    struct Klass: Sendable, Hashable {
        /// Class-body bindings (outside methods); `order` lists the names in source order.
        var bindings: [String: [Expr]] = [:]
        var order: [String] = []
        var methods: [String: Function] = [:]
        /// Names assigned as `self.<name> = …` in any method: instance state, not a constant.
        var selfAssigned: Set<String> = []
        /// Every name token in the class (body and methods).
        var namesUsed: Set<String> = []
    }

    /// What an `import` binds a name to.
    static let imported = Expr.other("(imported)")

    /// Top-level classes by name (a later definition replaces an earlier one).
    var classes: [String: Klass] = [:]
    /// Module-level bindings (outside classes and functions); `order` in source order.
    var bindings: [String: [Expr]] = [:]
    var order: [String] = []

    /// Nil when the file does not tokenize.
    static func scan(_ bytes: [UInt8]) -> AssetSourceFacts? {
        guard case .success(let utf8) = PythonSourceEncoding.utf8Source(bytes),
              case .success(let tokens) = PythonTokenizer.tokenize(utf8, includeTrivia: false) else { return nil }
        // Line breaks inside brackets and comments carry nothing here: a logical line is then a
        // contiguous token range.
        let logical = tokens.filter { $0.kind != .nl && $0.kind != .comment }
        return utf8.withUnsafeBufferPointer { Walker(source: $0, tokens: logical).run() }
    }

    private struct Walker {
        let source: UnsafeBufferPointer<UInt8>
        let tokens: [PythonToken]

        struct Block {
            enum Kind { case klass(String), function(String), other }
            var kind: Kind
            var bodyDepth: Int
        }

        func name(_ k: Int) -> String? {
            guard k < tokens.count, tokens[k].kind == .name else { return nil }
            return String(decoding: source[tokens[k].start..<tokens[k].end], as: UTF8.self)
        }

        func op(_ k: Int) -> String? {
            guard k < tokens.count, tokens[k].kind == .op else { return nil }
            return String(decoding: source[tokens[k].start..<tokens[k].end], as: UTF8.self)
        }

        func isOp(_ k: Int, _ text: String) -> Bool { op(k) == text }

        func text(_ range: Range<Int>) -> String {
            guard !range.isEmpty else { return "" }
            let raw = String(decoding: source[tokens[range.lowerBound].start..<tokens[range.upperBound - 1].end], as: UTF8.self)
            return raw.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\\" })
                .joined(separator: " ")
        }

        /// The index of the bracket closing the one at `k`, or nil.
        func closing(_ k: Int, limit: Int) -> Int? {
            var level = 0
            var i = k
            while i < limit {
                if let o = op(i) {
                    if o == "(" || o == "[" || o == "{" { level += 1 }
                    if o == ")" || o == "]" || o == "}" {
                        level -= 1
                        if level == 0 { return i }
                    }
                }
                i += 1
            }
            return nil
        }

        /// Splits `range` at top-level occurrences of the operator `separator`.
        func split(_ range: Range<Int>, at separator: String) -> [Range<Int>] {
            var parts: [Range<Int>] = []
            var level = 0
            var start = range.lowerBound
            for i in range {
                guard let o = op(i) else { continue }
                if o == "(" || o == "[" || o == "{" { level += 1 } else if o == ")" || o == "]" || o == "}" { level -= 1 } else if level == 0, o == separator {
                    parts.append(start..<i)
                    start = i + 1
                }
            }
            parts.append(start..<range.upperBound)
            return parts
        }

        func expr(_ range: Range<Int>) -> Expr {
            parse(range) ?? .other(text(range))
        }

        private func parse(_ range: Range<Int>) -> Expr? {
            guard !range.isEmpty else { return nil }
            let terms = split(range, at: "+")
            if terms.count > 1 {
                var parts: [Expr] = []
                for term in terms {
                    guard let e = parseTerm(term) else { return nil }
                    parts.append(e)
                }
                return .sum(parts)
            }
            return parseTerm(range)
        }

        private func parseTerm(_ range: Range<Int>) -> Expr? {
            guard !range.isEmpty else { return nil }
            let a = range.lowerBound, b = range.upperBound
            if tokens[a].kind == .string {
                var end = a
                while end < b, tokens[end].kind == .string { end += 1 }
                guard let literal = stringRun(a..<end) else { return nil }
                if end == b { return literal }
                // `literal % value` / `literal % (a, b)`
                guard isOp(end, "%"), end + 1 < b else { return nil }
                let rest = (end + 1)..<b
                if isOp(rest.lowerBound, "("), closing(rest.lowerBound, limit: b) == b - 1 {
                    let items = split((rest.lowerBound + 1)..<(b - 1), at: ",").filter { !$0.isEmpty }
                    return .percent(literal, items.map { expr($0) })
                }
                guard let value = parseTerm(rest) else { return nil }
                return .percent(literal, [value])
            }
            if isOp(a, "("), closing(a, limit: b) == b - 1 {
                let inner = (a + 1)..<(b - 1)
                guard split(inner, at: ",").count == 1 else { return nil }
                return parse(inner)
            }
            if isOp(a, "["), closing(a, limit: b) == b - 1 {
                let inner = (a + 1)..<(b - 1)
                if inner.isEmpty { return .list([]) }
                var items: [Expr] = []
                for part in split(inner, at: ",") where !part.isEmpty { items.append(expr(part)) }
                return .list(items)
            }
            guard let first = name(a), !Self.keywords.contains(first) else { return nil }
            if b == a + 1 { return .name(first) }
            if b == a + 3, isOp(a + 1, "."), let second = name(a + 2) { return .attribute(first, second) }
            if first == "Asset", isOp(a + 1, "("), closing(a + 1, limit: b) == b - 1 {
                let args = split((a + 2)..<(b - 1), at: ",").filter { !$0.isEmpty }
                guard args.count == 1 || args.count == 2 else { return nil }
                return .asset(url: expr(args[0]), hash: args.count == 2 ? expr(args[1]) : nil)
            }
            return nil
        }

        static let keywords: Set<String> = ["None", "True", "False", "lambda", "not", "await", "yield", "if", "else", "for", "in"]

        /// Adjacent string literals: plain ones and simple f-strings; nil for anything else.
        func stringRun(_ range: Range<Int>) -> Expr? {
            var parts: [Expr] = []
            for i in range {
                if let s = PythonStringLiteral.strValue(of: tokens[i], in: source) {
                    parts.append(.string(s))
                } else if let f = fstring(i) {
                    parts.append(contentsOf: f)
                } else {
                    return nil
                }
            }
            // Merge neighbouring literals.
            var merged: [Expr] = []
            for part in parts {
                if case .string(let s) = part, case .string(let t)? = merged.last {
                    merged[merged.count - 1] = .string(t + s)
                } else {
                    merged.append(part)
                }
            }
            if merged.count == 1, case .string = merged[0] { return merged[0] }
            return .fstring(merged)
        }

        /// The parts of an f-string token whose body has no backslash and whose fields are a
        /// name or `self.name`; nil otherwise.
        func fstring(_ k: Int) -> [Expr]? {
            let t = tokens[k]
            var quoteAt = t.start
            while quoteAt < t.end, source[quoteAt] != 0x22, source[quoteAt] != 0x27 { quoteAt += 1 }
            guard let prefix = PythonStringPrefix(source, start: t.start, end: quoteAt), prefix.isFormatted, !prefix.isBytes else { return nil }
            let quote = source[quoteAt]
            let triple = t.end - quoteAt >= 6 && source[quoteAt + 1] == quote && source[quoteAt + 2] == quote
            let q = triple ? 3 : 1
            let body = Array(source[(quoteAt + q)..<(t.end - q)])
            guard !body.contains(0x5C) else { return nil }
            var parts: [Expr] = []
            var literal: [UInt8] = []
            var i = 0
            while i < body.count {
                let c = body[i]
                if c == 0x7B, i + 1 < body.count, body[i + 1] == 0x7B { literal.append(c); i += 2; continue }
                if c == 0x7D, i + 1 < body.count, body[i + 1] == 0x7D { literal.append(c); i += 2; continue }
                if c == 0x7D { return nil }
                if c == 0x7B {
                    guard let close = body[(i + 1)...].firstIndex(of: 0x7D) else { return nil }
                    let field = String(decoding: body[(i + 1)..<close], as: UTF8.self)
                    let pieces = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    let isName: (String) -> Bool = { p in
                        !p.isEmpty && p.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
                            && !("0"..."9").contains(p.unicodeScalars.first!)
                    }
                    guard pieces.allSatisfy(isName) else { return nil }
                    if !literal.isEmpty { parts.append(.string(String(decoding: literal, as: UTF8.self))); literal = [] }
                    if pieces.count == 1 { parts.append(.name(pieces[0])) } else if pieces.count == 2 { parts.append(.attribute(pieces[0], pieces[1])) } else { return nil }
                    i = close + 1
                    continue
                }
                literal.append(c)
                i += 1
            }
            if !literal.isEmpty { parts.append(.string(String(decoding: literal, as: UTF8.self))) }
            return parts
        }

        func run() -> AssetSourceFacts {
            var facts = AssetSourceFacts()
            var blocks: [Block] = []
            var depth = 0
            var k = 0
            var pending: Block.Kind?
            while k < tokens.count {
                switch tokens[k].kind {
                case .endMarker:
                    return facts
                case .indent:
                    depth += 1
                    blocks.append(Block(kind: pending ?? .other, bodyDepth: depth))
                    pending = nil
                    k += 1
                    continue
                case .dedent:
                    depth -= 1
                    while let last = blocks.last, last.bodyDepth > depth { blocks.removeLast() }
                    k += 1
                    continue
                case .newline, .nl, .comment:
                    k += 1
                    continue
                default:
                    break
                }
                var end = k
                while end < tokens.count, tokens[end].kind != .newline, tokens[end].kind != .endMarker { end += 1 }
                pending = nil
                let first = name(k)
                if first == "class", let className = name(k + 1) {
                    pending = .klass(className)
                    if depth == 0 { facts.classes[className] = Klass() }
                } else if first == "def" || (first == "async" && name(k + 1) == "def") {
                    let at = first == "def" ? k + 1 : k + 2
                    if let function = name(at) {
                        pending = .function(function)
                        let (klass, method) = owner(blocks)
                        if let klass, method == nil, blocks.count == 1 {
                            var f = Function()
                            f.parameters = parameters(at + 1, limit: end)
                            facts.classes[klass, default: Klass()].methods[function] = f
                        }
                    }
                }
                // `a = 1; b = 2`: one statement per part.
                for part in split(k..<end, at: ";") where !part.isEmpty {
                    record(line: Array(part), blocks: blocks, into: &facts)
                }
                k = end + 1
            }
            return facts
        }

        func owner(_ blocks: [Block]) -> (klass: String?, method: String?) {
            guard let first = blocks.first, case .klass(let className) = first.kind, first.bodyDepth == 1 else { return (nil, nil) }
            guard blocks.count >= 2, case .function(let method) = blocks[1].kind, blocks[1].bodyDepth == 2 else { return (className, nil) }
            return (className, method)
        }

        func parameters(_ open: Int, limit: Int) -> Set<String> {
            guard isOp(open, "("), let close = closing(open, limit: limit) else { return [] }
            var names: Set<String> = []
            for part in split((open + 1)..<close, at: ",") {
                var i = part.lowerBound
                while i < part.upperBound, isOp(i, "*") || isOp(i, "**") { i += 1 }
                if let n = name(i) { names.insert(n) }
            }
            return names
        }

        /// `(targets, value)` of a simple assignment line, nil otherwise; augmented and
        /// annotated assignments, `for` targets and `with … as` names bind opaque values.
        func bindings(_ line: [Int]) -> [(String, Expr)] {
            guard let firstIndex = line.first else { return [] }
            let range = firstIndex..<(line.last! + 1)
            let lineTokens = line
            // Top-level `=` positions.
            var level = 0
            var equals: [Int] = []
            for i in lineTokens {
                guard let o = op(i) else { continue }
                if o == "(" || o == "[" || o == "{" { level += 1 } else if o == ")" || o == "]" || o == "}" { level -= 1 } else if level == 0, o == "=" { equals.append(i) }
            }
            if let first = name(firstIndex), first == "for" || first == "with" || first == "import" || first == "from" || first == "global" {
                var out: [(String, Expr)] = []
                if first == "for" {
                    var i = firstIndex + 1
                    while i < range.upperBound, name(i) != "in" {
                        if let n = name(i) { out.append((n, .other("a for loop variable"))) }
                        i += 1
                    }
                }
                for i in lineTokens where name(i) == "as" { if let n = name(i + 1) { out.append((n, .other("a with/except name"))) } }
                if first == "import" || first == "from" {
                    for i in lineTokens where name(i) == "import" || name(i) == "as" || isOp(i, ",") {
                        if let n = name(i + 1), n != "as" { out.append((n, AssetSourceFacts.imported)) }
                    }
                }
                return out
            }
            if equals.isEmpty {
                // Augmented assignment: `name += …`.
                if let n = name(firstIndex), let o = op(firstIndex + 1), o.count >= 2, o.hasSuffix("="), o != "==", o != "<=", o != ">=", o != "!=" {
                    return [(n, .other(text(range)))]
                }
                return []
            }
            let valueStart = equals.last! + 1
            let value = expr(valueStart..<range.upperBound)
            var out: [(String, Expr)] = []
            var targetStart = firstIndex
            for eq in equals {
                let target = targetStart..<eq
                let names = split(target, at: ",")
                if names.count == 1, target.count == 1, let n = name(target.lowerBound) {
                    out.append((n, value))
                } else if target.count >= 1, isOp(target.lowerBound + 1, ":"), let n = name(target.lowerBound) {
                    out.append((n, value))  // annotated: `x: str = …`
                } else {
                    for part in names { for i in part { if let n = name(i), !(i > part.lowerBound && isOp(i - 1, ".")) { out.append((n, .other("unpacked from \(text(valueStart..<range.upperBound))"))) } } }
                }
                targetStart = eq + 1
            }
            return out
        }

        func record(line: [Int], blocks: [Block], into facts: inout AssetSourceFacts) {
            guard let first = line.first else { return }
            let (klass, method) = owner(blocks)
            let inFunction = blocks.contains { if case .function = $0.kind { true } else { false } }
            let assigned = bindings(line)
            if klass == nil, !inFunction {
                for (n, e) in assigned {
                    if facts.bindings[n] == nil { facts.order.append(n) }
                    facts.bindings[n, default: []].append(e)
                }
                return
            }
            guard let klass else { return }
            var info = facts.classes[klass, default: Klass()]
            for i in line { if let n = name(i) { info.namesUsed.insert(n) } }
            if method == nil {
                if !inFunction, blocks.count == 1 {
                    for (n, e) in assigned {
                        if info.bindings[n] == nil { info.order.append(n) }
                        info.bindings[n, default: []].append(e)
                    }
                }
                facts.classes[klass] = info
                return
            }
            let methodName = method!
            var f = info.methods[methodName, default: Function()]
            // A `def` of a nested function binds its name; its own lines count as the method's.
            if name(first) == "def", blocks.count >= 2, let n = name(first + 1) { f.bindings[n, default: []].append(.other("a function")) }
            for (n, e) in assigned { f.bindings[n, default: []].append(e) }
            let end = line.last! + 1
            for i in line {
                if name(i) == "self", isOp(i + 1, "."), let attr = name(i + 2) {
                    if isOp(i + 3, "(") {
                        if attr != "fetch_asset", !f.selfCalls.contains(attr) { f.selfCalls.append(attr) }
                    } else if isOp(i + 3, "="), i == first || line.contains(where: { $0 < i && isOp($0, ",") }) {
                        info.selfAssigned.insert(attr)
                    }
                }
                if name(i) == "fetch_asset", isOp(i + 1, "("), !(i > 0 && isOp(i - 1, ".") && name(i - 2) != "self"),
                   let close = closing(i + 1, limit: end) {
                    var call = Call(line: tokens[i].line)
                    for arg in split((i + 2)..<close, at: ",") where !arg.isEmpty {
                        if let key = name(arg.lowerBound), isOp(arg.lowerBound + 1, "=") {
                            call.keywords[key] = expr((arg.lowerBound + 2)..<arg.upperBound)
                        } else {
                            call.positional.append(expr(arg))
                        }
                    }
                    f.fetchCalls.append(call)
                }
            }
            info.methods[methodName] = f
            facts.classes[klass] = info
        }
    }
}
