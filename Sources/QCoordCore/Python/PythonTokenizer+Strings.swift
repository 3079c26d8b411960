/// String literal scanning: plain, raw, bytes, triple-quoted and f-strings.
extension PythonTokenizer {
    /// One level of f-string nesting: the literal text of a string, a replacement-field
    /// expression, or a format spec. Kept on an explicit stack so that nesting depth can
    /// never exhaust the call stack.
    private struct FStringFrame {
        enum Kind { case literal, expression, spec }
        var kind: Kind
        var quote: UInt8 = 0
        var triple = false
        var isFormatted = false
        /// Bracket depth inside an expression frame.
        var depth = 0
    }

    /// Scans the literal whose prefix starts at `start` (its quote is at `start + prefixLength`).
    mutating func scanString(start: Int, prefixLength: Int) -> PythonToken? {
        let startLine = line
        let quoteAt = start + prefixLength
        let quote = at(quoteAt)
        let triple = at(quoteAt + 1) == quote && at(quoteAt + 2) == quote
        let prefix = PythonStringPrefix(bytes, start: start, end: quoteAt) ?? PythonStringPrefix()
        let bodyStart = quoteAt + (triple ? 3 : 1)
        let end: Int?
        if prefix.isFormatted {
            end = scanFStringBody(from: bodyStart, quote: quote, triple: triple)
        } else {
            end = scanPlainBody(from: bodyStart, quote: quote, triple: triple)
        }
        guard let end else {
            return fail(unterminatedMessage(triple: triple), line: startLine)
        }
        pos = end
        return token(.string, start, end, line: startLine)
    }

    private func unterminatedMessage(triple: Bool) -> String {
        triple
            ? "unterminated triple-quoted string literal (detected at line \(line))"
            : "unterminated string literal (detected at line \(line))"
    }

    /// Returns the offset past the closing quote, or nil when the literal is unterminated
    /// (`line` then points at where that was detected).
    private mutating func scanPlainBody(from bodyStart: Int, quote: UInt8, triple: Bool) -> Int? {
        var p = bodyStart
        while p < count {
            // Skip ordinary text quickly; the padding NUL stops this at the end of input.
            while classes[Int(base[p])] & PythonByteClass.stringStop == 0 { p += 1 }
            if p >= count { return nil }
            let c = base[p]
            if c == quote {
                if !triple { return p + 1 }
                if at(p + 1) == quote && at(p + 2) == quote { return p + 3 }
                p += 1
            } else if c == 0x5C { // backslash: the next character never ends the literal (raw too)
                p += 1
                if p >= count { return nil }
                let d = base[p]
                if d == 0x0A || d == 0x0D {
                    pos = p
                    consumeNewline()
                    p = pos
                } else {
                    p += 1
                }
            } else if c == 0x0A || c == 0x0D {
                if !triple { return nil }
                pos = p
                consumeNewline()
                p = pos
            } else {
                p += 1
            }
        }
        return nil
    }

    /// f-strings: the text is scanned like a plain literal, but replacement fields are
    /// followed so that quotes and braces inside them (`f"{x['a']}"`, `f"{'}'}"`, and
    /// Python 3.12's reuse of the outer quote) do not end the literal early.
    private mutating func scanFStringBody(from bodyStart: Int, quote: UInt8, triple: Bool) -> Int? {
        var frames: [FStringFrame] = [FStringFrame(kind: .literal, quote: quote, triple: triple, isFormatted: true)]
        var p = bodyStart
        while p < count {
            guard let top = frames.last else { return p }
            let c = base[p]
            let topIndex = frames.count - 1
            switch top.kind {
            case .literal:
                if c == top.quote {
                    if !top.triple {
                        frames.removeLast()
                        p += 1
                    } else if at(p + 1) == top.quote && at(p + 2) == top.quote {
                        frames.removeLast()
                        p += 3
                    } else {
                        p += 1
                    }
                    if frames.isEmpty { return p }
                } else if c == 0x5C {
                    p += 1
                    let d = at(p)
                    if d == 0x0A || d == 0x0D {
                        pos = p
                        consumeNewline()
                        p = pos
                    } else if d != 0x7B && d != 0x7D && p < count { // `\{` still opens a field
                        p += 1
                    }
                } else if c == 0x0A || c == 0x0D {
                    if !top.triple { return nil }
                    pos = p
                    consumeNewline()
                    p = pos
                } else if top.isFormatted && c == 0x7B { // {
                    if at(p + 1) == 0x7B {
                        p += 2
                    } else {
                        guard frames.count < Self.maxFStringFrames else { return nil }
                        frames.append(FStringFrame(kind: .expression))
                        p += 1
                    }
                } else if top.isFormatted && c == 0x7D && at(p + 1) == 0x7D {
                    p += 2
                } else {
                    p += 1
                }
            case .expression:
                switch c {
                case 0x22, 0x27: // a nested string literal, possibly prefixed
                    var letters = 0
                    while letters < 3, p - letters - 1 >= bodyStart,
                          Self.isIdentifierContinue(base[p - letters - 1]) {
                        letters += 1
                    }
                    let nested = letters <= 2
                        ? (PythonStringPrefix(bytes, start: p - letters, end: p) ?? PythonStringPrefix())
                        : PythonStringPrefix()
                    let nestedTriple = at(p + 1) == c && at(p + 2) == c
                    guard frames.count < Self.maxFStringFrames else { return nil }
                    frames.append(FStringFrame(kind: .literal, quote: c, triple: nestedTriple, isFormatted: nested.isFormatted))
                    p += nestedTriple ? 3 : 1
                case 0x28, 0x5B, 0x7B:
                    frames[topIndex].depth += 1
                    p += 1
                case 0x29, 0x5D:
                    if top.depth > 0 { frames[topIndex].depth -= 1 }
                    p += 1
                case 0x7D:
                    if top.depth == 0 { frames.removeLast() } else { frames[topIndex].depth -= 1 }
                    p += 1
                case 0x3A: // ':' at the field's top level starts the format spec
                    if top.depth == 0 { frames[topIndex].kind = .spec }
                    p += 1
                case 0x5C:
                    p += 1
                    if p < count, base[p] != 0x0A, base[p] != 0x0D { p += 1 }
                case 0x0A, 0x0D:
                    if !enclosingLiteralIsTriple(frames) { return nil }
                    pos = p
                    consumeNewline()
                    p = pos
                default:
                    p += 1
                }
            case .spec:
                if c == 0x7B {
                    guard frames.count < Self.maxFStringFrames else { return nil }
                    frames.append(FStringFrame(kind: .expression))
                    p += 1
                } else if c == 0x7D {
                    frames.removeLast()
                    p += 1
                } else if c == 0x0A || c == 0x0D {
                    if !enclosingLiteralIsTriple(frames) { return nil }
                    pos = p
                    consumeNewline()
                    p = pos
                } else if c == 0x5C {
                    p += 1
                    if p < count, base[p] != 0x0A, base[p] != 0x0D, base[p] != 0x7B, base[p] != 0x7D { p += 1 }
                } else if let literal = frames.last(where: { $0.kind == .literal }), c == literal.quote,
                          !literal.triple || (at(p + 1) == c && at(p + 2) == c) {
                    // The enclosing quote inside a spec ends the literal (an unclosed field):
                    // unwind to that literal and let it see the quote.
                    while let last = frames.last, last.kind != .literal { frames.removeLast() }
                } else {
                    p += 1
                }
            }
        }
        return nil
    }

    private func enclosingLiteralIsTriple(_ frames: [FStringFrame]) -> Bool {
        frames.last(where: { $0.kind == .literal })?.triple ?? false
    }
}
