/// Evaluation of string literal tokens into their values, the way Python's compiler does it.
enum PythonStringLiteral {
    /// The value of a `str` literal token (escapes resolved unless raw, line breaks
    /// normalised to `\n`); nil for bytes and f-strings, which are not plain `str` constants.
    static func strValue(of token: PythonToken, in source: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        guard appendStrValue(of: token, in: source, to: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the value of a `str` literal to `out`; false for bytes / f-strings / non-strings.
    static func appendStrValue(of token: PythonToken, in source: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard token.kind == .string, token.start >= 0, token.end <= source.count else { return false }
        var quoteAt = token.start
        while quoteAt < token.end, source[quoteAt] != 0x22, source[quoteAt] != 0x27 { quoteAt += 1 }
        guard let prefix = PythonStringPrefix(source, start: token.start, end: quoteAt),
              !prefix.isBytes, !prefix.isFormatted else { return false }
        let quote = source[quoteAt]
        let length = token.end - quoteAt
        let triple = length >= 6 && source[quoteAt + 1] == quote && source[quoteAt + 2] == quote
        let quoteLength = triple ? 3 : 1
        let bodyStart = quoteAt + quoteLength
        let bodyEnd = token.end - quoteLength
        guard bodyStart <= bodyEnd else { return false }
        out.reserveCapacity(out.count + bodyEnd - bodyStart)
        if prefix.isRaw {
            appendRaw(source, bodyStart, bodyEnd, to: &out)
        } else {
            appendEscaped(source, bodyStart, bodyEnd, to: &out)
        }
        return true
    }

    private static func appendRaw(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to out: inout [UInt8]) {
        var k = start
        while k < end {
            var runEnd = k
            while runEnd < end, s[runEnd] != 0x0D { runEnd += 1 }
            if runEnd > k {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[k..<runEnd]))
                k = runEnd
                if k >= end { break }
            }
            let c = s[k]
            if c == 0x0D {
                out.append(0x0A)
                k += (k + 1 < end && s[k + 1] == 0x0A) ? 2 : 1
            } else {
                out.append(c)
                k += 1
            }
        }
    }

    private static func appendEscaped(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to out: inout [UInt8]) {
        var k = start
        while k < end {
            // Copy the run up to the next backslash or carriage return in one go.
            var runEnd = k
            while runEnd < end, s[runEnd] != 0x5C, s[runEnd] != 0x0D { runEnd += 1 }
            if runEnd > k {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[k..<runEnd]))
                k = runEnd
                if k >= end { break }
            }
            let c = s[k]
            if c == 0x0D {
                out.append(0x0A)
                k += (k + 1 < end && s[k + 1] == 0x0A) ? 2 : 1
                continue
            }
            guard c == 0x5C, k + 1 < end else {
                out.append(c)
                k += 1
                continue
            }
            let d = s[k + 1]
            switch d {
            case 0x0A: // backslash-newline joins lines
                k += 2
            case 0x0D:
                k += (k + 2 < end && s[k + 2] == 0x0A) ? 3 : 2
            case 0x5C, 0x27, 0x22:
                out.append(d)
                k += 2
            case 0x61: out.append(0x07); k += 2 // \a
            case 0x62: out.append(0x08); k += 2 // \b
            case 0x66: out.append(0x0C); k += 2 // \f
            case 0x6E: out.append(0x0A); k += 2 // \n
            case 0x72: out.append(0x0D); k += 2 // \r
            case 0x74: out.append(0x09); k += 2 // \t
            case 0x76: out.append(0x0B); k += 2 // \v
            case 0x30...0x37: // up to three octal digits
                var value: UInt32 = 0
                var j = k + 1
                while j < end, j < k + 4, s[j] >= 0x30, s[j] <= 0x37 {
                    value = value * 8 + UInt32(s[j] - 0x30)
                    j += 1
                }
                appendScalar(value, to: &out)
                k = j
            case 0x78, 0x75, 0x55: // \xHH \uHHHH \UHHHHHHHH
                let digits = d == 0x78 ? 2 : (d == 0x75 ? 4 : 8)
                if let value = hexValue(s, k + 2, digits, end), let scalar = Unicode.Scalar(value) {
                    appendScalar(scalar.value, to: &out)
                    k += 2 + digits
                } else {
                    // Python rejects this at compile time; keep the text rather than guess.
                    out.append(c)
                    k += 1
                }
            default:
                // Unknown escapes (and \N{…}, left unresolved) keep their backslash.
                out.append(c)
                k += 1
            }
        }
    }

    private static func hexValue(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ digits: Int, _ end: Int) -> UInt32? {
        guard start + digits <= end else { return nil }
        var value: UInt32 = 0
        for j in start..<(start + digits) {
            let c = s[j]
            let nibble: UInt32
            switch c {
            case 0x30...0x39: nibble = UInt32(c - 0x30)
            case 0x41...0x46: nibble = UInt32(c - 0x41 + 10)
            case 0x61...0x66: nibble = UInt32(c - 0x61 + 10)
            default: return nil
            }
            value = value &* 16 &+ nibble
        }
        return value
    }

    private static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        // Lone surrogates cannot be represented in a Swift String.
        let v = (Unicode.Scalar(value) ?? "\u{FFFD}").value
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
