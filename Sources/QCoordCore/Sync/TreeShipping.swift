import Foundation

/// Whether one file of a test tree goes to the hosts: the one decision of tree sync
/// (docs/tree-sync.md). Pure; the caller lists the candidates (git's list, or a walk) and
/// hands over the first bytes of a file only when the decision needs them.
public enum TreeShipping {
    /// What becomes of one file.
    public enum Decision: Sendable, Equatable {
        case ship
        /// Left out by an ignore rule (or the built-in rules outside git): silently.
        case ignored
        /// Key material, never shipped; the reason is said to the user.
        case secret(String)
    }

    /// Outside git: what a checkout's build and cache output looks like.
    public static let outsideGitRules = IgnoreRules(patterns: [".*/", "build*/", ".build/", "__pycache__/", "*.o", "*.pyc"])

    /// How many leading bytes `looksLikePrivateKey` reads.
    public static let headLength = 4096

    /// The decision for `path` ("/"-separated, relative to the tree's root). `ignore` holds the
    /// rules in force (the built-in ones outside git, then `.qcoordignore`'s); `head` gives the
    /// file's first `headLength` bytes and is called only for a file that would be shipped.
    public static func decide(_ path: String, ignore: IgnoreRules, head: () throws -> [UInt8]) rethrows -> Decision {
        let parts = path.split(separator: "/")
        // Never the repository itself, whatever lists it.
        if parts.contains(".git") { return .ignored }
        if ignore.isIgnored(path) { return .ignored }
        if let reason = secretName(path) { return .secret(reason) }
        if looksLikePrivateKey(try head()) { return .secret("looks like a private key") }
        return .ship
    }

    /// Private key names: `id_rsa`, `id_ed25519_sk`, … (not `*.pub`).
    static let keyTypes = ["rsa", "dsa", "ecdsa", "ed25519", "ecdsa_sk", "ed25519_sk", "xmss"]

    /// Why `path`'s name alone marks it as key material or credentials, nil when it does not.
    public static func secretName(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let name = parts.last.map(String.init) else { return nil }
        if parts.dropLast().contains(".ssh") { return "in a .ssh directory" }
        if name.hasPrefix("id_") && !name.hasSuffix(".pub") {
            let type = name.dropFirst(3)
            if keyTypes.contains(where: { type == $0 || type.hasPrefix($0 + "_") || type.hasPrefix($0 + ".") || type.hasPrefix($0 + "-") }) {
                return "a private key name"
            }
        }
        if name.hasPrefix("ssh_host_") && name.hasSuffix("_key") { return "an SSH host key name" }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") { return "a key file name" }
        if name == "known_hosts" || name == "known_hosts.old" { return "an SSH known_hosts file" }
        if name == ".netrc" { return "a credentials file" }
        if name == ".env" { return "an environment file (credentials)" }
        return nil
    }

    /// Whether the first `headLength` bytes of `bytes` hold a private key's armour line: a line
    /// that begins (after blanks) with `-----BEGIN ` and ends (before blanks) with `PRIVATE KEY-----`
    /// (PEM's RSA/EC/ENCRYPTED/plain, OpenSSH's). A file that only mentions the words — source or
    /// docs quoting the marker inside a string or a sentence — ships.
    public static func looksLikePrivateKey(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(headLength)
        var start = head.startIndex
        while start < head.endIndex {
            let end = head[start...].firstIndex(of: UInt8(ascii: "\n")) ?? head.endIndex
            if isArmourLine(head[start..<end]) { return true }
            start = end == head.endIndex ? end : end + 1
        }
        return false
    }

    static let begin = Array("-----BEGIN ".utf8)
    static let privateKeyEnd = Array("PRIVATE KEY-----".utf8)

    static func isArmourLine(_ line: ArraySlice<UInt8>) -> Bool {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 13 }
        guard let first = line.firstIndex(where: { !blank($0) }), let last = line.lastIndex(where: { !blank($0) }) else { return false }
        let text = line[first...last]
        return text.starts(with: begin) && text.count >= begin.count + privateKeyEnd.count && text.suffix(privateKeyEnd.count).elementsEqual(privateKeyEnd)
    }
}

/// A size as the user writes it: `300`, `64K`, `256M`, `1.5G`, `1GiB`, `2 MB` (units are
/// powers of 1024).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        for suffix in ["ib", "b"] where t.hasSuffix(suffix) && t.count > suffix.count {
            t = String(t.dropLast(suffix.count))
            break
        }
        t = t.trimmingCharacters(in: .whitespaces)
        var factor = 1.0
        if let unit = t.last, let power = ["k": 1, "m": 2, "g": 3, "t": 4][String(unit)] {
            factor = Double(1 << (10 * power))
            t = String(t.dropLast()).trimmingCharacters(in: .whitespaces)
        }
        guard !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(t), value >= 0 else { return nil }
        let bytes = value * factor
        guard bytes < 9e18 else { return nil }
        return Int(bytes.rounded())
    }

    /// `12 B`, `3.4 KiB`, `65.0 MiB`, `1.2 GiB`.
    public static func format(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
            value /= 1024
        }
        return "\(bytes) B"
    }
}
