/// One host qcoord may run tests on, as the inventory (or `--hosts`) describes it.
public struct InventoryHost: Sendable, Hashable, Codable {
    /// Unique; appears in results, reports and messages.
    public var name: String
    /// What to connect to: DNS name, IP address or ssh config alias.
    public var address: String
    /// nil: the ssh config's Port, else 22.
    public var port: Int?
    /// nil: the ssh config's User, else the local user.
    public var user: String?
    /// A private key file, tried after ssh-agent.
    public var identity: String?
    /// Tests at once; nil: the host's cpu count.
    public var slots: Int?
    /// Interpreter for the agent and Avocado; nil: `python3`.
    public var python: String?
    /// Searched for `qemu-system-ARCH` before PATH.
    public var qemuDirs: [String]
    /// Whether PATH is searched too.
    public var qemuPathSearch: Bool
    /// Explicit binary per (normalized) arch.
    public var qemuBin: [String: String]
    /// The test tree already on the host; nil: synced.
    public var workdir: String?
    /// The local directory synced to this host (`tree:`; overrides `--tree`); nil: the
    /// `--tree` directory, else the deepest directory holding every test file.
    public var tree: String?
    public var env: [String: String]
    public var labels: [String]
    /// `asset_cache_max`: bytes the host's asset store (`~/.cache/qcoord/assets`) may hold; the
    /// least recently used assets a job does not need are evicted to stay under it. nil: no cap.
    public var assetCacheMax: Int?

    public init(
        name: String, address: String? = nil, port: Int? = nil, user: String? = nil, identity: String? = nil,
        slots: Int? = nil, python: String? = nil, qemuDirs: [String] = [], qemuPathSearch: Bool = true,
        qemuBin: [String: String] = [:], workdir: String? = nil, tree: String? = nil, env: [String: String] = [:], labels: [String] = []
    ) {
        self.name = name
        self.address = address ?? name
        self.port = port
        self.user = user
        self.identity = identity
        self.slots = slots
        self.python = python
        self.qemuDirs = qemuDirs
        self.qemuPathSearch = qemuPathSearch
        self.qemuBin = qemuBin
        self.workdir = workdir
        self.tree = tree
        self.env = env
        self.labels = labels
    }

    /// A host given on the command line, named as written without the user.
    public init(spec: HostSpec) {
        let name = spec.port.map { spec.host.contains(":") ? "[\(spec.host)]:\($0)" : "\(spec.host):\($0)" } ?? spec.host
        self.init(name: name, address: spec.host, port: spec.port, user: spec.user)
    }
}

/// The hosts of one job.
public struct Inventory: Sendable, Hashable, Codable {
    public var hosts: [InventoryHost]
    /// The `slurm:` section: the hosts come from Slurm (docs/slurm.md); nil: none.
    public var slurm: SlurmSettings?

    public init(hosts: [InventoryHost], slurm: SlurmSettings? = nil) {
        self.hosts = hosts
        self.slurm = slurm
    }

    /// The hosts of a `--hosts` value.
    public init(specs: [HostSpec]) {
        self.hosts = specs.map(InventoryHost.init(spec:))
    }

    public func host(named name: String) -> InventoryHost? {
        hosts.first { $0.name == name }
    }
}
