/// Avocado's `:avocado:` docstring directives, read with the exact behaviour of
/// `\s*:avocado:[ \t]+(([a-zA-Z0-9]+?[a-zA-Z0-9_:,\=\-\.]*)|(dependency={.*}))\s*$`
/// applied with `re.match` to every line of the docstring (`str.splitlines`).
public enum DocstringDirectives {
    /// The directive values in order (`enable`, `tags=a,b`, `dependency={…}`).
    public static func directives(in docstring: String?) -> [String] {
        guard let docstring else { return [] }
        if let ascii = asciiDirectives(docstring) { return ascii }
        var result: [String] = []
        for line in PythonText.splitLines(docstring) {
            if let value = match(line) { result.append(value) }
        }
        return result
    }

    /// The same on raw bytes, for the common all-ASCII docstring; nil when it is not ASCII
    /// (then Unicode line breaks and blanks need the general path).
    static func asciiDirectives(_ docstring: String) -> [String]? {
        var result: [String] = []
        var ascii = true
        let scanned: Void? = docstring.utf8.withContiguousStorageIfAvailable { bytes in
            let n = bytes.count
            // Only lines containing ":avocado:" matter; find them without splitting everything.
            var lineStart = 0
            var i = 0
            while i <= n {
                let b: UInt8 = i < n ? bytes[i] : 0x0A
                if b >= 0x80 { ascii = false; return }
                if b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C || (b >= 0x1C && b <= 0x1E) {
                    if let value = asciiMatch(bytes, lineStart, i) { result.append(value) }
                    lineStart = i + 1
                }
                i += 1
            }
        }
        return ascii && scanned != nil ? result : nil
    }

    private static func isASCIISpace(_ b: UInt8) -> Bool {
        (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20)
    }

    private static let marker = Array(":avocado:".utf8)
    private static let dependencyPrefix = Array("dependency={".utf8)

    private static func asciiMatch(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        var i = start
        while i < end, isASCIISpace(bytes[i]) { i += 1 }
        guard end - i > marker.count else { return nil }
        for k in 0..<marker.count where bytes[i + k] != marker[k] { return nil }
        i += marker.count
        let blanksStart = i
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i > blanksStart, i < end else { return nil }
        let valueStart = i
        if isAlnumByte(bytes[i]) {
            var j = i
            while j < end, isValueByte(bytes[j]) { j += 1 }
            var k = j
            while k < end, isASCIISpace(bytes[k]) { k += 1 }
            if k == end { return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<j]), as: UTF8.self) }
        }
        var last = end
        while last > valueStart, isASCIISpace(bytes[last - 1]) { last -= 1 }
        let length = last - valueStart
        if length > dependencyPrefix.count, bytes[last - 1] == UInt8(ascii: "}") {
            for k in 0..<dependencyPrefix.count where bytes[valueStart + k] != dependencyPrefix[k] { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<last]), as: UTF8.self)
        }
        return nil
    }

    private static func isAlnumByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func isValueByte(_ b: UInt8) -> Bool {
        isAlnumByte(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: ",")
            || b == UInt8(ascii: "=") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    /// The directive in one line, nil when the line is not a directive.
    static func match(_ line: Substring) -> String? {
        var scalars = line.unicodeScalars[...]
        while let first = scalars.first, PythonText.isSpace(first) { scalars.removeFirst() }
        let marker = ":avocado:".unicodeScalars
        guard scalars.starts(with: marker) else { return nil }
        scalars.removeFirst(marker.count)
        var blanks = 0
        while let first = scalars.first, first == " " || first == "\t" {
            scalars.removeFirst()
            blanks += 1
        }
        guard blanks > 0, let head = scalars.first else { return nil }
        // First alternative: [a-zA-Z0-9] then [a-zA-Z0-9_:,=\-.]*, then only whitespace.
        if isAlnum(head) {
            var end = scalars.startIndex
            while end < scalars.endIndex, isValueChar(scalars[end]) { end = scalars.index(after: end) }
            if scalars[end...].allSatisfy(PythonText.isSpace) {
                return String(String.UnicodeScalarView(scalars[..<end]))
            }
        }
        // Second alternative: dependency={.*} then only whitespace.
        var trimmed = scalars
        while let last = trimmed.last, PythonText.isSpace(last) { trimmed.removeLast() }
        let prefix = "dependency={".unicodeScalars
        if trimmed.starts(with: prefix), trimmed.count > prefix.count, trimmed.last == "}" {
            return String(String.UnicodeScalarView(trimmed))
        }
        return nil
    }

    private static func isAlnum(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    private static func isValueChar(_ s: Unicode.Scalar) -> Bool {
        isAlnum(s) || s == "_" || s == ":" || s == "," || s == "=" || s == "-" || s == "."
    }

    /// Why reading tags failed: Avocado crashes on `tags=k,k:v` (a flat tag then a value for
    /// it: `None.add`), losing every test of the file.
    public struct TagsError: Error, Sendable, Hashable {
        public var key: String
        public var message: String { "'NoneType' object has no attribute 'add' (tag \"\(key)\" is first flat, then given a value)" }
    }

    /// `tags=` directives merged in order: `key:val` adds to key's set, a flat tag resets the key.
    public static func tags(from directives: [String]) -> Result<Tags, TagsError> {
        var result: [String: Set<String>] = [:]
        for item in directives where item.hasPrefix("tags=") {
            var failed: String?
            let bytes = Array(item.utf8)
            var start = 5
            // Split at commas by hand: this runs for every test method of every file.
            for i in 5...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: ",") {
                defer { start = i + 1 }
                guard i > start else { continue }
                let tag = bytes[start..<i]
                if let colon = tag.firstIndex(of: UInt8(ascii: ":")) {
                    let key = String(decoding: tag[..<colon], as: UTF8.self)
                    let value = String(decoding: tag[(colon + 1)...], as: UTF8.self)
                    if let existing = result[key] {
                        if existing.isEmpty { failed = key; break }
                        result[key]?.insert(value)
                    } else {
                        result[key] = [value]
                    }
                } else {
                    result[String(decoding: tag, as: UTF8.self)] = []
                }
            }
            if let failed { return .failure(TagsError(key: failed)) }
        }
        return .success(Tags(result))
    }

    /// `dependency=` values that `json.loads` accepts, as raw JSON text; malformed ones are
    /// skipped as Avocado skips them.
    public static func dependencies(from directives: [String]) -> [String] {
        directives.compactMap { item in
            guard item.hasPrefix("dependency=") else { return nil }
            let json = String(item.dropFirst("dependency=".count))
            return JSONValidator.isValid(json) ? json : nil
        }
    }

    public static func contains(_ directive: String, in directives: [String]) -> Bool {
        directives.contains(directive)
    }
}

/// Python `str` facts the safeloader depends on.
enum PythonText {
    /// `str.isspace()` (what `\s` matches in a `str` pattern).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// `str.splitlines()` without the line ends.
    static func splitLines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let v = scalars[i].value
            let isBreak = v == 0x0A || v == 0x0D || v == 0x0B || v == 0x0C || (0x1C...0x1E).contains(v)
                || v == 0x85 || v == 0x2028 || v == 0x2029
            if isBreak {
                lines.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if v == 0x0D, next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        if start < scalars.endIndex { lines.append(Substring(scalars[start...])) }
        return lines
    }
}
