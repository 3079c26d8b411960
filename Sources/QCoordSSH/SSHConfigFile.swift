import Foundation

/// The parts of an OpenSSH client config file that qcoord needs to know itself.
///
/// libssh applies the config to the connection (`ssh_options_parse_config`), but it does not
/// tell which identity files it collected; authentication here is done key by key so that a
/// failure can name what was tried, so this reads `IdentityFile` the way `ssh` does:
/// every matching `Host` block contributes, in file order. `Match` blocks are skipped.
public struct SSHConfigFile: Sendable {
    struct Block: Sendable {
        var patterns: [String]  // empty: the global section before the first Host
        var isMatch = false
        var options: [(key: String, value: String)] = []
    }
    var blocks: [Block]

    public init(text: String) {
        var blocks = [Block(patterns: [])]
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (key, value) = Self.splitKeyValue(line)
            switch key.lowercased() {
            case "host":
                blocks.append(Block(patterns: value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)))
            case "match":
                blocks.append(Block(patterns: [], isMatch: true))
            default:
                blocks[blocks.count - 1].options.append((key.lowercased(), Self.unquote(value)))
            }
        }
        self.blocks = blocks
    }

    /// Every value of `key` (lower case) that applies to `host`, in file order.
    public func values(_ key: String, forHost host: String) -> [String] {
        var result: [String] = []
        for block in blocks where !block.isMatch {
            guard block.patterns.isEmpty || Self.matches(host, patterns: block.patterns) else { continue }
            result += block.options.filter { $0.key == key }.map(\.value)
        }
        return result
    }

    /// Identity files for `host`, with `~` and `%d` expanded against `home`, `%%` unescaped.
    public func identityFiles(forHost host: String, home: String) -> [String] {
        values("identityfile", forHost: host).compactMap { value in
            if value.lowercased() == "none" { return nil }
            var path = value
            if path.hasPrefix("~/") { path = home + path.dropFirst(1) }
            path = path.replacingOccurrences(of: "%d", with: home).replacingOccurrences(of: "%%", with: "%")
            return path
        }
    }

    /// OpenSSH pattern lists: any positive match and no negated match.
    static func matches(_ host: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if glob(String(pattern.dropFirst()), host) { return false }
            } else if glob(pattern, host) {
                matched = true
            }
        }
        return matched
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            switch p[i] {
            case "*": return (j...t.count).contains { match(i + 1, $0) }
            case "?": return j < t.count && match(i + 1, j + 1)
            default: return j < t.count && p[i] == t[j] && match(i + 1, j + 1)
            }
        }
        return match(0, 0)
    }

    static func splitKeyValue(_ line: Substring) -> (String, String) {
        guard let sep = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { return (String(line), "") }
        var rest = line[sep...].drop(while: { $0 == " " || $0 == "\t" })
        if rest.first == "=" { rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        return (String(line[..<sep]), String(rest))
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { return String(value.dropFirst().dropLast()) }
        return value
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let s = self
        guard let start = s.firstIndex(where: { !$0.isWhitespace }) else { return s[s.endIndex...] }
        let end = s.lastIndex(where: { !$0.isWhitespace }) ?? start
        return s[start...end]
    }
}
