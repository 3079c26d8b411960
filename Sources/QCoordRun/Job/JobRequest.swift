import QCoordCore
import QCoordReport

/// Everything `qcoord run` decided before the job starts.
public struct JobRequest: Sendable {
    public var tests: [TestCase]
    /// As the user gave them (jobdata/test_references).
    public var references: [String]
    /// `--job-results-dir` (default `~/qcoord/job-results`).
    public var resultsBase: String
    /// The local agent's interpreter (`--python`, default `python3` on PATH).
    public var python: String
    /// Where `python` came from (`LocalPython.Source`), for job.log and the messages.
    public var pythonSource: String?
    /// `--max-parallel-tasks`: the local host's slots.
    public var slots: Int
    public var configuration: RunConfiguration
    public var qemuSearch: CoordinatorMessage.QemuSearch
    public var jsonPath: String?
    public var xunitPath: String?
    public var tapPath: String?
    /// The command line (jobdata/cmdline) and the parsed options (jobdata/args.json).
    public var cmdline: [String]
    public var args: [String: String]
    /// Run on these SSH hosts instead of the local host (`--hosts`, `--inventory`).
    public var hosts: HostJob?
    /// Run on nodes of a Slurm cluster (`--slurm`, an inventory's `slurm:`; docs/slurm.md).
    public var slurm: SlurmJob?
    /// Written to jobdata/replay.json at the start, so the job can be resumed or replayed.
    public var record: JobRecord?
    /// `run --resume`: finish this job in its own directory instead of starting a new one.
    public var resume: JobResume?
    /// `--dry-run`: connect, print the plan, run nothing.
    public var dryRun = false
    /// `--tree DIR` (absolute): the local directory synced to hosts without a `workdir` (an
    /// inventory host's `tree:` wins); nil: the deepest directory holding every test file.
    public var treeRoot: String?
    /// `--max-sync-size`: a bigger test tree is refused.
    public var maxSyncBytes = TreeManifest.defaultMaxBytes
    /// `--plan-json FILE` (with `--dry-run`): the plan as JSON.
    public var planJSONPath: String?
    /// Files that could not be read or parsed (ResolutionCheck): in job.log, results.json
    /// `resolution_errors` and the closing summary.
    public var resolutionErrors: [ParseError] = []
    /// Fetch the tests' assets into this cache before the job (nil: `--no-fetch`).
    public var assetCache: String?
    /// Downloads at once.
    public var assetConcurrency = 4
    /// No `--arch`: FUNCTIONAL copies of targets no host can run leave the job once hosts are known.
    public var functionalTargetsFromHosts = false
    /// They set the job-failed bit (no `--ignore-missing-references`).
    public var resolutionErrorsFailJob = false
    /// Write `sysinfo/<host>/` for each host (unless `--disable-sysinfo`).
    public var sysinfo = true
    /// The job directory's file modes (`--private-results`: ReportModes.private).
    public var reportModes = ReportModes.readable
    /// `--keep-tmp`: each host's agent keeps its scratch dir; the job says where at its end.
    public var keepTmp = false
    /// `--show-job-log`: every job.log line is also given here (stdout).
    public var jobLogEcho: (@Sendable (String) -> Void)?

    public init(tests: [TestCase], references: [String], resultsBase: String, python: String, slots: Int,
                configuration: RunConfiguration, qemuSearch: CoordinatorMessage.QemuSearch = .init(),
                jsonPath: String? = nil, xunitPath: String? = nil, tapPath: String? = nil,
                cmdline: [String] = [], args: [String: String] = [:], hosts: HostJob? = nil) {
        self.hosts = hosts
        self.tests = tests
        self.references = references
        self.resultsBase = resultsBase
        self.python = python
        self.slots = slots
        self.configuration = configuration
        self.qemuSearch = qemuSearch
        self.jsonPath = jsonPath
        self.xunitPath = xunitPath
        self.tapPath = tapPath
        self.cmdline = cmdline
        self.args = args
    }
}
