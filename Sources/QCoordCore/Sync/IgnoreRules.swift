/// Ignore rules in gitignore syntax: a `.qcoordignore` at a test tree's root, and the built-in
/// rules for a tree outside git. The common subset (docs/tree-sync.md):
///
/// - one pattern a line; blank lines and lines starting with `#` are nothing; trailing spaces
///   are dropped; `\#` and `\!` start a pattern with a literal `#` or `!`;
/// - `*` any characters but `/`, `?` one character but `/`, `[abc]`, `[a-z]`, `[!a-z]` classes,
///   `\x` the character `x`;
/// - `**` as a whole component: any number of directories (`**/cache`, `logs/**`, `a/**/b`);
/// - a trailing `/`: directories only (and so everything below them);
/// - a `/` at the start or in the middle anchors the pattern at the tree's root; without one
///   it matches a name at any depth;
/// - `!` re-includes what an earlier pattern excluded; the last matching line decides; as in
///   git, a file below an excluded directory cannot be re-included.
///
/// Pure: paths are "/"-separated, relative to the tree's root.
public struct IgnoreRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        /// The line as written.
        public var text: String
        public var negated: Bool
        public var directoryOnly: Bool
        /// Components to match against the path's, from the root (a name-only pattern starts with `**`).
        var components: [String]
    }

    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// The patterns of a `.qcoordignore` (or `.gitignore`) text.
    public init(text: String) {
        self.init(patterns: text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init))
    }

    public init(patterns: [String]) {
        rules = patterns.compactMap(Self.rule)
    }

    /// These rules, then `other`'s (which win where both match).
    public func followed(by other: IgnoreRules) -> IgnoreRules { IgnoreRules(rules: rules + other.rules) }

    static func rule(_ line: String) -> Rule? {
        var text = Substring(line)
        // Trailing spaces go, unless escaped.
        while text.hasSuffix(" ") && !text.hasSuffix("\\ ") { text = text.dropLast() }
        if text.isEmpty || text.hasPrefix("#") { return nil }
        var negated = false
        if text.hasPrefix("!") {
            negated = true
            text = text.dropFirst()
        } else if text.hasPrefix("\\!") || text.hasPrefix("\\#") {
            text = text.dropFirst()
        }
        var directoryOnly = false
        while text.hasSuffix("/") {
            directoryOnly = true
            text = text.dropLast()
        }
        guard !text.isEmpty else { return nil }
        let anchored = text.contains("/")
        if text.hasPrefix("/") { text = text.drop { $0 == "/" } }
        var components = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return nil }
        if !anchored { components.insert("**", at: 0) }
        return Rule(text: line, negated: negated, directoryOnly: directoryOnly, components: components)
    }

    /// What the last rule matching `path` itself says: true ignored, false re-included, nil no rule.
    public func verdict(_ path: String, isDirectory: Bool) -> Bool? {
        let parts = path.split(separator: "/")
        for rule in rules.reversed() {
            if rule.directoryOnly && !isDirectory { continue }
            if Self.match(rule.components[...], parts[...]) { return !rule.negated }
        }
        return nil
    }

    /// Whether `path` (a file, or a directory when `isDirectory`) is ignored: it or one of the
    /// directories it lies in is.
    public func isIgnored(_ path: String, isDirectory: Bool = false) -> Bool {
        let parts = path.split(separator: "/")
        var prefix = ""
        for (index, part) in parts.enumerated() {
            prefix += (prefix.isEmpty ? "" : "/") + part
            let last = index == parts.count - 1
            if verdict(prefix, isDirectory: last ? isDirectory : true) == true { return true }
        }
        return false
    }

    // MARK: matching

    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            // A trailing `**` is everything inside, not the directory itself.
            if rest.isEmpty { return !path.isEmpty }
            var tail = path
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let name = path.first, glob(Array(first.utf8)[...], Array(name.utf8)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// fnmatch of one component (no `/` on either side).
    static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        var p = p, s = s
        while let c = p.first {
            switch c {
            case UInt8(ascii: "*"):
                p = p.dropFirst()
                while p.first == UInt8(ascii: "*") { p = p.dropFirst() }
                if p.isEmpty { return true }
                var t = s
                while true {
                    if glob(p, t) { return true }
                    guard !t.isEmpty else { return false }
                    t = t.dropFirst()
                }
            case UInt8(ascii: "?"):
                guard !s.isEmpty else { return false }
                p = p.dropFirst()
                s = s.dropFirst()
            case UInt8(ascii: "["):
                guard let ch = s.first, let (matched, rest) = charClass(p.dropFirst(), ch) else {
                    // An unclosed `[` is a literal.
                    guard s.first == c else { return false }
                    p = p.dropFirst()
                    s = s.dropFirst()
                    continue
                }
                guard matched else { return false }
                p = rest
                s = s.dropFirst()
            case UInt8(ascii: "\\") where p.count > 1:
                guard s.first == p[p.index(after: p.startIndex)] else { return false }
                p = p.dropFirst(2)
                s = s.dropFirst()
            default:
                guard s.first == c else { return false }
                p = p.dropFirst()
                s = s.dropFirst()
            }
        }
        return s.isEmpty
    }

    /// `p` starts after `[`; returns whether `ch` is in the class and the pattern after `]`,
    /// nil when the class is not closed.
    static func charClass(_ p: ArraySlice<UInt8>, _ ch: UInt8) -> (Bool, ArraySlice<UInt8>)? {
        var p = p
        var negate = false
        if p.first == UInt8(ascii: "!") || p.first == UInt8(ascii: "^") {
            negate = true
            p = p.dropFirst()
        }
        var matched = false
        var first = true
        while let c = p.first {
            if c == UInt8(ascii: "]") && !first {
                return (matched != negate, p.dropFirst())
            }
            first = false
            var low = c
            p = p.dropFirst()
            if low == UInt8(ascii: "\\"), let escaped = p.first {
                low = escaped
                p = p.dropFirst()
            }
            if p.count >= 2, p.first == UInt8(ascii: "-"), p[p.index(after: p.startIndex)] != UInt8(ascii: "]") {
                let high = p[p.index(after: p.startIndex)]
                p = p.dropFirst(2)
                if low <= ch && ch <= high { matched = true }
            } else if low == ch {
                matched = true
            }
        }
        return nil
    }
}
