/// Avocado's `-t/--filter-by-tags` semantics (avocado/core/tags.py), exactly.
///
/// Each group (one `-t` value) is a comma-separated AND of items; a test is kept when any
/// group holds (OR). Items: `foo` (has key foo), `key:val` (val among key's values), `-foo`
/// (lacks key foo), `key:-val` (has key, val not among its values). `-key:val` is compared
/// against keys only and so never excludes anything (Avocado's quirk, kept). Tests without
/// tags are dropped by any filter unless `includeEmpty`.
public struct TagFilter: Sendable, Hashable {
    /// One `-t` value, parsed.
    public struct Group: Sendable, Hashable {
        /// The raw value as given.
        public var text: String
        /// Flat items (`foo`): the test must have each key.
        public var requiredKeys: Set<String>
        /// `key:val` / `key:-val` items; a repeated key keeps its last item.
        public var keyValues: [String: String]
        /// `-foo` items (and the `-key:val` no-ops, compared against keys).
        public var forbiddenKeys: Set<String>

        public init(_ text: String) {
            self.text = text
            requiredKeys = []
            keyValues = [:]
            forbiddenKeys = []
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                if item.hasPrefix("-") {
                    forbiddenKeys.insert(String(item.dropFirst()))
                } else if let colon = item.firstIndex(of: ":") {
                    keyValues[String(item[..<colon])] = String(item[item.index(after: colon)...])
                } else {
                    requiredKeys.insert(String(item))
                }
            }
        }

        func matches(_ tags: Tags, includeEmptyKey: Bool) -> Bool {
            if forbiddenKeys.contains(where: { tags.values[$0] != nil }) { return false }
            for (key, value) in keyValues {
                guard let values = tags.values[key] else {
                    if includeEmptyKey { continue }
                    return false
                }
                if value.hasPrefix("-") {
                    if values.contains(String(value.dropFirst())) { return false }
                } else if !values.contains(value) {
                    return false
                }
            }
            return requiredKeys.allSatisfy { tags.values[$0] != nil }
        }
    }

    public var groups: [Group]
    /// `--filter-by-tags-include-empty`: keep tests that have no tags at all.
    public var includeEmpty: Bool
    /// `--filter-by-tags-include-empty-key`: a `key:…` item holds for a test without `key`.
    public var includeEmptyKey: Bool

    public init(groups: [String], includeEmpty: Bool = false, includeEmptyKey: Bool = false) {
        self.groups = groups.map(Group.init)
        self.includeEmpty = includeEmpty
        self.includeEmptyKey = includeEmptyKey
    }

    /// No `-t` given: every test passes (the include-empty flags alone change nothing).
    public var isActive: Bool { !groups.isEmpty }

    public func matches(_ tags: Tags) -> Bool {
        guard isActive else { return true }
        if tags.isEmpty { return includeEmpty }
        return groups.contains { $0.matches(tags, includeEmptyKey: includeEmptyKey) }
    }

    /// The tests the filter keeps, in order. MISSING entries are not tests and are kept.
    public func apply(_ tests: [TestCase]) -> [TestCase] {
        guard isActive else { return tests }
        return tests.filter { $0.kind == .missing || matches($0.tags) }
    }

    /// What a tag filter looks like, for usage errors.
    public static let syntaxHelp = "a tag filter is comma-separated items, each 'tag', 'key:val', '-tag' (lacks tag) or 'key:-val', e.g. -t arch:x86_64,-slow (repeat -t for OR)"

    /// Why a `-t` value (or an AVOCADO_TAGS word) is a usage error, nil when it is fine.
    ///
    /// An item with no tag in it — the empty value, a stray comma (`a,`, `,`), or `-` alone —
    /// is refused. Avocado 113 accepts them silently, and they do not do what they seem to:
    /// an empty item requires the tag "" (so the group never matches: `-t ''`, `-t ','` and
    /// `-t a,-`'s sibling `-t a,` list nothing) and `-` forbids the tag "" (so it always holds:
    /// `-t -` keeps every tagged test, `-t a,-` is `-t a`). No test can carry the empty tag
    /// (docstring `tags=` skip empty items), so neither ever means anything.
    public static func usageError(_ group: String) -> String? {
        let items = group.split(separator: ",", omittingEmptySubsequences: false)
        guard let bad = items.first(where: { $0.isEmpty || $0 == "-" }) else { return nil }
        let what = group.isEmpty ? "is empty" : bad.isEmpty ? "has an empty item (stray comma?)" : "has a '-' with no tag after it"
        return "'-t \(group)': the filter \(what); \(syntaxHelp)"
    }

    /// Things in the filter that are legal but probably not what the user meant.
    public var warnings: [TagFilterWarning] {
        var result: [TagFilterWarning] = []
        for group in groups {
            let items = group.text.split(separator: ",", omittingEmptySubsequences: false)
            for item in items where item.hasPrefix("-") && item.contains(":") {
                let body = item.dropFirst()
                result.append(TagFilterWarning(group: group.text, message: "\"\(item)\" excludes nothing (Avocado compares it with tag keys); to exclude a value write \"\(body.split(separator: ":", maxSplits: 1).first ?? ""):-\(body.split(separator: ":", maxSplits: 1).dropFirst().first ?? "")\""))
            }
            var seen: [String: Int] = [:]
            for item in items where !item.hasPrefix("-") {
                if let colon = item.firstIndex(of: ":") { seen[String(item[..<colon]), default: 0] += 1 }
            }
            for (key, count) in seen.sorted(by: { $0.key < $1.key }) where count > 1 {
                result.append(TagFilterWarning(group: group.text, message: "key \"\(key)\" is given \(count) times in one group; only the last counts (use separate -t options for OR)"))
            }
        }
        return result
    }
}

/// A legal filter item that probably does not do what was meant.
public struct TagFilterWarning: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var message: String
    public var description: String { "tag filter \"\(group)\": \(message)" }
}
