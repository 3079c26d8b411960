/// Avocado tags: a key with a set of values, or a flat key (an empty set; Avocado's `None`).
///
/// `tags=arch:x86_64,arch:i386,boot` → `["arch": ["x86_64", "i386"], "boot": []]`.
public struct Tags: Sendable, Hashable, Codable {
    public var values: [String: Set<String>]

    public init(_ values: [String: Set<String>] = [:]) { self.values = values }

    public var isEmpty: Bool { values.isEmpty }
    public var keys: [String] { values.keys.sorted() }

    public subscript(key: String) -> Set<String>? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The single value of `key` (`arch:x86_64` → "x86_64"); nil when absent, flat or several.
    public func single(_ key: String) -> String? {
        guard let set = values[key], set.count == 1 else { return nil }
        return set.first
    }

    /// `arch(i386,x86_64),boot`, keys and values sorted, as `avocado -V list` prints them.
    public var listDescription: String {
        keys.map { key in
            let vals = values[key] ?? []
            return vals.isEmpty ? key : "\(key)(\(vals.sorted().joined(separator: ",")))"
        }.joined(separator: ",")
    }

    // JSON: {"arch": ["i386", "x86_64"], "boot": null} with values sorted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: [String]?].self)
        values = raw.mapValues { Set($0 ?? []) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        for key in keys {
            let vals = values[key] ?? []
            if vals.isEmpty {
                try container.encodeNil(forKey: TagKey(key))
            } else {
                try container.encode(vals.sorted(), forKey: TagKey(key))
            }
        }
    }

    private struct TagKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
