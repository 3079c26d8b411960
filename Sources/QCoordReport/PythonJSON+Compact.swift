extension PythonJSON {
    /// One line, keys sorted, `", "`-free: what an NDJSON stream carries.
    public func compact() -> String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .null, .bool, .int, .double, .string:
            out += rendered()
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let dict):
            out += "{"
            let keys = dict.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (n, key) in keys.enumerated() {
                if n > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                dict[key]?.writeCompact(to: &out)
            }
            out += "}"
        }
    }
}
