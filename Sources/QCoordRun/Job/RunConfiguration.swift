import QCoordCore

/// How to run a job's tests: what `qcoord run`'s options say.
public struct RunConfiguration: Sendable {
    /// `-p K=V`, sent to every test.
    public var params: [String: String]
    /// `-p A:K=V`: for the tests that run as arch A (the plan scopes them).
    public var archParams: [String: [String: String]] = [:]
    /// Forwarded gates and `--env K=V`.
    public var env: [String: String]
    /// `--timeout`: a test's limit unless `-p timeout=` says otherwise.
    public var timeout: Double?
    /// `--job-timeout`: after this, running tests are interrupted and the rest never run.
    public var jobTimeout: Double?
    public var failfast: Bool
    /// Where relative test references are resolved (the user's working directory).
    public var workdir: String
    /// How long interrupted tests get to report before they are ended INTERRUPTED by qcoord.
    public var interruptGrace: Double
    /// Expected durations (history or `--timings`): the Scheduler runs the longest first.
    public var timings: Timings = Timings()
    /// `--exclusive-tag TAG`: tests sharing a value of this tag never overlap on one host.
    public var exclusiveTag: String?
    /// `--retries`: a FAILed or ERRORed test runs again up to this many times (another host when
    /// there is one); the last attempt decides its status.
    public var retries = 0
    /// `--host-give-up`: seconds a test waits for a lost host being reconnected that is the only
    /// one able to run it; then it ends ERROR with the loss as the reason.
    public var hostGiveUp: Double = 60
    /// Told every test that ran, as it ends (the timing history records it).
    public var resultObserver: (@Sendable (TestResult) -> Void)?
    /// Told once when the job's results are all in, however it ended (the history writes the
    /// records it still holds; see TimingHistoryRecorder).
    public var resultsEnded: (@Sendable () -> Void)?

    public init(params: [String: String] = [:], env: [String: String] = [:], timeout: Double? = nil,
                jobTimeout: Double? = nil, failfast: Bool = false, workdir: String, interruptGrace: Double = 5) {
        self.params = params
        self.env = env
        self.timeout = timeout
        self.jobTimeout = jobTimeout
        self.failfast = failfast
        self.workdir = workdir
        self.interruptGrace = interruptGrace
    }

    /// What the job plan takes from the options.
    /// Assets the coordinator could not fetch (content key or URL → why): their tests do not start.
    public var unavailableAssets: [String: String] = [:]
    /// Per host, its asset store as QEMU's cache (`<store>/qemu`, its `download` the store's
    /// `sha256/`) and what it holds: the coordinator's cache for the local host, the pushed store
    /// (`~/.cache/qcoord/assets`) for an SSH host. FUNCTIONAL tests whose assets are all there use
    /// it and never download (AssetEnvironment.functional); a host not in it: they download.
    public var hostAssetViews: [String: HostAssetView] = [:]
    /// What the asset push did on each SSH host (the report's per-host bytes pushed and reused).
    public var assetTraffic: [String: HostAssetTraffic] = [:]

    public var planSettings: JobPlan.Settings {
        var settings = JobPlan.Settings(params: params, archParams: archParams, timeout: timeout)
        settings.unavailableAssets = unavailableAssets
        return settings
    }

    /// The gates forwarded to tests when set in qcoord's own environment: the seed's (Avocado
    /// format) and those QEMU's tests/functional `qemu_test` reads (10.0 and 10.2).
    public static let forwardedGates = ["AVOCADO_ALLOW_LARGE_STORAGE", "SPEED", "AVOCADO_ALLOW_UNTRUSTED_CODE",
                                        "AVOCADO_TIMEOUT_EXPECTED", "QEMU_TEST_FLAKY_TESTS",
                                        "QEMU_TEST_ALLOW_UNTRUSTED_CODE", "QEMU_TEST_ALLOW_LARGE_STORAGE",
                                        "QEMU_TEST_ALLOW_SLOW", "QEMU_TEST_KEEP_SCRATCH", "QEMU_TEST_NO_DOWNLOAD"]

    /// The gates set in `environment`, overridden by `extra` (`--env`).
    public static func testEnvironment(from environment: [String: String], extra: [String: String]) -> [String: String] {
        var env: [String: String] = [:]
        for key in forwardedGates { if let v = environment[key] { env[key] = v } }
        return env.merging(extra) { _, new in new }
    }
}
