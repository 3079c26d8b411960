/// How a host is named in messages: "h2 (10.0.0.2:22)", or "10.0.0.2:22" when it has no other name.
public struct SSHHostLabel: Sendable, Hashable, CustomStringConvertible {
    public var name: String?
    public var address: String
    public var port: Int

    public init(name: String? = nil, address: String, port: Int) {
        self.name = name
        self.address = address
        self.port = port
    }

    public var nameOrAddress: String { name ?? address }

    /// The form OpenSSH uses in known_hosts for this host: "host" on port 22, else "[host]:port".
    public var knownHostsName: String { port == 22 ? address : "[\(address)]:\(port)" }

    public var description: String {
        let endpoint = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        if let name, name != address, name != endpoint, name != "\(address):\(port)" { return "\(name) (\(endpoint))" }
        return endpoint
    }
}
