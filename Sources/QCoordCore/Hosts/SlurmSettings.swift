/// How a job gets its hosts from Slurm (`qcoord run --slurm …`, or the inventory's `slurm:`
/// section; docs/slurm.md). Command-line options override the inventory's values.
public struct SlurmSettings: Sendable, Hashable, Codable {
    /// `--partition` / `partition:`; nil: the cluster's default partition.
    public var partition: String?
    /// `--account` / `account:`.
    public var account: String?
    /// `--slurm-nodes` / `nodes:`: at most this many nodes; nil: every node the job can use.
    public var nodes: Int?
    /// `--time` / `time:`: the allocation's time limit in minutes; the job ends (INTERRUPTED, exit 8)
    /// a little before Slurm would kill it.
    public var timeMinutes: Int?
    /// `constraint:`: a Slurm constraint the allocation adds (e.g. `kvm`).
    public var constraint: String?
    /// `python:`: the agent's interpreter on the nodes; nil: `python3`.
    public var python: String?
    /// `shared_tree:`: where the test tree is on every node (a shared file system); nil: at
    /// the same path as here.
    public var sharedTree: String?
    /// `slots:`: tests at once per node; nil: the node's cpu count as its agent reports it.
    public var slots: Int?
    /// `env:`: added to every test's environment on the nodes.
    public var env: [String: String]
    /// `srun_args:`: extra words for every `srun` (e.g. `--mem=2G`).
    public var srunArgs: [String]

    public init(partition: String? = nil, account: String? = nil, nodes: Int? = nil, timeMinutes: Int? = nil,
                constraint: String? = nil, python: String? = nil, sharedTree: String? = nil, slots: Int? = nil,
                env: [String: String] = [:], srunArgs: [String] = []) {
        self.partition = partition
        self.account = account
        self.nodes = nodes
        self.timeMinutes = timeMinutes
        self.constraint = constraint
        self.python = python
        self.sharedTree = sharedTree
        self.slots = slots
        self.env = env
        self.srunArgs = srunArgs
    }

    /// `other`'s values where it has one (the command line over the inventory).
    public func overridden(by other: SlurmSettings) -> SlurmSettings {
        var s = self
        s.partition = other.partition ?? partition
        s.account = other.account ?? account
        s.nodes = other.nodes ?? nodes
        s.timeMinutes = other.timeMinutes ?? timeMinutes
        s.constraint = other.constraint ?? constraint
        s.python = other.python ?? python
        s.sharedTree = other.sharedTree ?? sharedTree
        s.slots = other.slots ?? slots
        s.env = env.merging(other.env) { _, new in new }
        s.srunArgs = srunArgs + other.srunArgs
        return s
    }
}
