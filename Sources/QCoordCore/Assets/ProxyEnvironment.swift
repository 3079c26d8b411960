import Foundation

/// The proxy for a URL from the environment, as curl and Python read it (docs/assets-fetch.md):
/// `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http ones (the
/// lowercase name first), `all_proxy`/`ALL_PROXY` for both; `no_proxy`/`NO_PROXY` lists hosts
/// reached directly. Pure.
public struct ProxySetting: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case http, socks5 }
    public var kind: Kind
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?

    public init(kind: Kind = .http, host: String, port: Int, user: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.user = user
        self.password = password
    }

    /// `host:port` (never the credentials), for messages.
    public var display: String { "\(kind == .socks5 ? "socks5://" : "")\(host):\(port)" }
}

public enum ProxyEnvironment {
    /// The proxy to reach `url` through; nil: directly. A malformed proxy value is `.failure`.
    public static func proxy(for url: String, environment: [String: String]) -> Result<ProxySetting?, ProxyError> {
        guard let target = URLParts(url) else { return .success(nil) }
        if bypasses(host: target.host, port: target.port, noProxy: value(["no_proxy", "NO_PROXY"], environment)) {
            return .success(nil)
        }
        let names = target.scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let text = value(names + ["all_proxy", "ALL_PROXY"], environment) else { return .success(nil) }
        guard let setting = parse(text) else { return .failure(ProxyError(text: "proxy '\(text)' (from the environment) is not [http://|socks5://][user:password@]host[:port] (an https:// proxy is not supported)")) }
        return .success(setting)
    }

    public struct ProxyError: Error, Equatable, Sendable { public var text: String }

    static func value(_ names: [String], _ environment: [String: String]) -> String? {
        for name in names {
            if let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
        }
        return nil
    }

    /// `http://user:pw@host:3128`, `host:3128`, `socks5h://host` → the setting; nil: malformed
    /// (or a scheme AsyncHTTPClient cannot speak to a proxy, such as https://).
    public static func parse(_ text: String) -> ProxySetting? {
        var rest = Substring(text)
        var kind = ProxySetting.Kind.http
        var defaultPort = 1080
        if let range = rest.range(of: "://") {
            switch rest[..<range.lowerBound].lowercased() {
            case "http": defaultPort = 80
            case "socks5", "socks5h": kind = .socks5
            default: return nil
            }
            rest = rest[range.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = percentDecoded(credentials[..<colon])
                password = percentDecoded(credentials[credentials.index(after: colon)...])
            } else {
                user = percentDecoded(credentials)
            }
        }
        guard let (host, port) = hostPort(rest) else { return nil }
        return ProxySetting(kind: kind, host: host, port: port ?? defaultPort, user: user, password: password)
    }

    /// Whether `no_proxy` sends `host` directly: `*`; an exact host or IP; a domain (`example.com`
    /// or `.example.com`) and its subdomains; an entry with `:port` only for that port.
    public static func bypasses(host: String, port: Int, noProxy: String?) -> Bool {
        guard let noProxy else { return false }
        let host = host.lowercased()
        for raw in noProxy.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            if let (h, p) = hostPort(Substring(entry)), let p {
                if p != port { continue }
                entry = h
            } else if entry.hasPrefix("["), entry.hasSuffix("]") {
                entry = String(entry.dropFirst().dropLast())
            }
            if entry.hasPrefix("*.") { entry.removeFirst() }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `host:port`, `[::1]:8080`, `host` → (host, port?); nil when empty or the port is not a number.
    static func hostPort(_ text: Substring) -> (String, Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return host.isEmpty ? nil : (host, nil) }
            guard after.hasPrefix(":"), let port = Int(after.dropFirst()), (1...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return nil }
        if parts.count == 1 { return (String(first), nil) }
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(first), port)
    }

    static func percentDecoded(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }

    /// The scheme, host and port of an http(s) URL.
    struct URLParts {
        var scheme: String
        var host: String
        var port: Int

        init?(_ url: String) {
            guard let range = url.range(of: "://") else { return nil }
            scheme = url[..<range.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { return nil }
            var authority = url[range.upperBound...]
            if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { authority = authority[..<end] }
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            guard let (h, p) = ProxyEnvironment.hostPort(authority) else { return nil }
            host = h
            port = p ?? (scheme == "https" ? 443 : 80)
        }
    }
}
