/// One `[user@]host[:port]` item of `--hosts`.
public struct HostSpec: Sendable, Hashable {
    public var user: String?
    /// A name, an IPv4 address, an IPv6 address (without brackets) or an ssh config alias.
    public var host: String
    /// nil: the ssh config's Port, else 22.
    public var port: Int?

    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// Parses `[user@]host[:port]`; IPv6 addresses go in brackets (`[fd00::5]:22`).
    public static func parse(_ text: String) throws(HostSpecError) -> HostSpec {
        let item = Self.trimmed(text)
        guard !item.isEmpty else { throw HostSpecError("empty host in --hosts") }
        var rest = Substring(item)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            guard let u = user, !u.isEmpty, !u.contains(where: { $0 == "@" || $0 == ":" || $0 == "/" }) else {
                throw HostSpecError("'\(item)': bad user name before '@'")
            }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw HostSpecError("'\(item)': missing ']' after an IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw HostSpecError("'\(item)': expected ':PORT' after ']'") }
                portText = after.dropFirst()
            }
        } else {
            let colons = rest.filter { $0 == ":" }.count
            if colons > 1 {
                throw HostSpecError("'\(item)': an IPv6 address must be written in brackets, e.g. [\(rest)]:22")
            }
            if let colon = rest.firstIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            } else {
                host = rest
            }
        }
        guard !host.isEmpty else { throw HostSpecError("'\(item)': missing host name") }
        if host.contains(where: { $0 == " " || $0 == "/" || $0 == "," }) {
            throw HostSpecError("'\(item)': '\(host)' is not a host name")
        }
        var port: Int?
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw HostSpecError("'\(item)': port must be a number from 1 to 65535, not '\(portText)'")
            }
            port = p
        }
        return HostSpec(user: user, host: String(host), port: port)
    }

    private static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }

    /// Parses the comma-separated `--hosts` value; each host at most once.
    public static func parseList(_ text: String) throws(HostSpecError) -> [HostSpec] {
        var specs: [HostSpec] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let spec = try parse(String(item))
            if specs.contains(where: { $0.host == spec.host && $0.port == spec.port }) {
                throw HostSpecError("'\(spec.host)' appears twice in --hosts")
            }
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw HostSpecError("--hosts needs at least one host") }
        return specs
    }
}

/// A `--hosts` value that cannot be used, with what is wrong.
public struct HostSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

