import QCoordCore

/// How a job uses a Slurm cluster as its host pool (docs/slurm.md).
public struct SlurmJob: Sendable {
    public var settings: SlurmSettings
    public var cluster: SlurmCluster
    /// The job's `--arch` targets: the nodes are chosen to cover them (nil: every usable node).
    public var targets: [String]?
    /// `--max-parallel-tasks`: the most tests at once over all nodes.
    public var maxTotal: Int?
    /// Seconds without a heartbeat before a node's agent step counts as lost.
    public var idleLimit: Double
    /// How often the allocation's state is asked (`squeue`), to see a `scancel` or the time limit.
    public var pollSeconds: Double

    public init(settings: SlurmSettings, cluster: SlurmCluster = .init(), targets: [String]? = nil, maxTotal: Int? = nil,
                idleLimit: Double = 30, pollSeconds: Double = 2) {
        self.settings = settings
        self.cluster = cluster
        self.targets = targets
        self.maxTotal = maxTotal
        self.idleLimit = idleLimit
        self.pollSeconds = pollSeconds
    }

    /// The job timeout that ends the job (INTERRUPTED, full report, exit 8) before Slurm's
    /// time limit kills its steps: a minute before it (a tenth of it for limits under 10 minutes),
    /// or the given `--job-timeout` when that is earlier.
    public static func jobTimeout(given: Double?, timeMinutes: Int?) -> Double? {
        guard let minutes = timeMinutes else { return given }
        let limit = Double(minutes) * 60
        let ours = minutes >= 10 ? limit - 60 : limit * 0.9
        return min(given ?? ours, ours)
    }
}
