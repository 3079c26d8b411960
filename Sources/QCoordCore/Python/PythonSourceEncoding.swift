/// PEP 263 source encoding declarations (`# -*- coding: latin-1 -*-`).
///
/// Python decodes a file with the encoding named in a coding comment on its first or second
/// line. UTF-8 (the default) and Latin-1 are supported here; Latin-1 is transcoded to
/// UTF-8 before tokenizing. A file declaring any other encoding is read only if it is pure
/// ASCII; otherwise it is reported as an error rather than misread.
enum PythonSourceEncoding {
    /// The source as UTF-8 bytes, transcoded when it declares Latin-1.
    static func utf8Source(_ bytes: [UInt8]) -> Result<[UInt8], PythonSyntaxError> {
        guard let (name, line) = declaredEncoding(bytes) else { return .success(bytes) }
        switch normalized(name) {
        case "utf-8", "utf8", "utf-8-sig", "ascii", "us-ascii":
            return .success(bytes)
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso-latin-1", "l1", "8859", "cp819", "latin":
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            for b in bytes {
                if b < 0x80 {
                    out.append(b)
                } else {
                    out.append(0xC0 | (b >> 6))
                    out.append(0x80 | (b & 0x3F))
                }
            }
            return .success(out)
        default:
            // Every encoding Python accepts for source files is ASCII-compatible, so a file
            // that is pure ASCII reads the same whatever it declares.
            if !bytes.contains(where: { $0 >= 0x80 }) { return .success(bytes) }
            return .failure(PythonSyntaxError(
                line: line,
                message: "unsupported source encoding '\(name)': only UTF-8 and Latin-1 files can be scanned"))
        }
    }

    private static func normalized(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            if scalar == "_" {
                result.append("-")
            } else if scalar.value >= 0x41 && scalar.value <= 0x5A, let lower = Unicode.Scalar(scalar.value + 0x20) {
                result.unicodeScalars.append(lower)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        if result.hasPrefix("utf-8-") { return "utf-8" }
        return result
    }

    /// The encoding named by a coding comment on line 1, or on line 2 when line 1 is only a
    /// comment or blank (as CPython checks it), with that line number.
    static func declaredEncoding(_ bytes: [UInt8]) -> (String, Int)? {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        for lineNumber in 1...2 {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let (name, isCommentOrBlank) = codingName(bytes, start, end)
            if let name { return (name, lineNumber) }
            if !isCommentOrBlank { return nil }
            // Next line.
            if end < bytes.count, bytes[end] == 0x0D, end + 1 < bytes.count, bytes[end + 1] == 0x0A { end += 1 }
            start = end + 1
            if start >= bytes.count { return nil }
        }
        return nil
    }

    /// Matches `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on one line.
    private static func codingName(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (String?, Bool) {
        var i = start
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0C { i += 1 }
        if i == end { return (nil, true) }
        guard bytes[i] == 0x23 else { return (nil, false) }
        let coding = Array("coding".utf8)
        var k = i + 1
        while k + coding.count < end {
            if bytes[k..<(k + coding.count)].elementsEqual(coding), bytes[k + coding.count] == 0x3A || bytes[k + coding.count] == 0x3D {
                var n = k + coding.count + 1
                while n < end, bytes[n] == 0x20 || bytes[n] == 0x09 { n += 1 }
                let nameStart = n
                while n < end {
                    let c = bytes[n]
                    let isWord = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
                    if !isWord { break }
                    n += 1
                }
                if n > nameStart {
                    return (String(decoding: bytes[nameStart..<n], as: UTF8.self), true)
                }
            }
            k += 1
        }
        return (nil, true)
    }
}
