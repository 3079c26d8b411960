/// A JSON value written the way Python's `json.dumps(indent=4, sort_keys=True)` writes it,
/// so results.json is byte-compatible with Avocado's (key order, spacing, float text, `\uXXXX`).
public indirect enum PythonJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([PythonJSON])
    case object([String: PythonJSON])

    /// The text, indented by 4 spaces per level, keys sorted, no trailing newline.
    public func rendered() -> String {
        var out = ""
        write(to: &out, level: 0)
        return out
    }

    private func write(to out: inout String, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Self.pythonFloat(d)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (n, item) in items.enumerated() {
                out += Self.indent(level + 1)
                item.write(to: &out, level: level + 1)
                out += n == items.count - 1 ? "\n" : ",\n"
            }
            out += Self.indent(level) + "]"
        case .object(let dict):
            if dict.isEmpty { out += "{}"; return }
            out += "{\n"
            // Python sorts by code point; compare scalars, not Swift's canonical ordering.
            let keys = dict.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (n, key) in keys.enumerated() {
                out += Self.indent(level + 1)
                Self.writeString(key, to: &out)
                out += ": "
                dict[key]?.write(to: &out, level: level + 1)
                out += n == keys.count - 1 ? "\n" : ",\n"
            }
            out += Self.indent(level) + "}"
        }
    }

    private static func indent(_ level: Int) -> String { String(repeating: " ", count: 4 * level) }

    /// Python's `repr(float)`: shortest round-trip digits, `1e-05` / `1e+16` exponents, NaN as Python writes it.
    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        // Swift's description is also shortest round-trip; only the exponent spelling differs.
        var text = d.description
        if let e = text.firstIndex(of: "e") {
            var mantissa = String(text[..<e])
            var exponent = String(text[text.index(after: e)...])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            let negative = exponent.hasPrefix("-")
            if exponent.hasPrefix("-") || exponent.hasPrefix("+") { exponent.removeFirst() }
            if exponent.count < 2 { exponent = "0" + exponent }
            text = mantissa + "e" + (negative ? "-" : "+") + exponent
        }
        return text
    }

    /// Python's default `ensure_ascii=True` string escaping.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for unit in s.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        out += "\""
    }
}
