/// Everything the renderers need about one finished job.
public struct JobSummary: Sendable, Hashable {
    /// 40 hex characters.
    public var jobID: String
    /// The job directory's absolute path.
    public var jobDir: String
    /// `job-2026-11-22T01.45-f212b83`, the results.xml suite name.
    public var jobName: String
    /// Local start time, `2026-11-22 01:45:03.430670`.
    public var start: String
    /// Local time the report was written, `2026-11-22T01:45:11.881234` (results.xml timestamp).
    public var timestamp: String
    /// Wall time of the whole job, seconds (the JOB TIME line).
    public var jobTime: Double
    /// In uid order; tests that never ran included (`ran == false`).
    public var tests: [TestResult]
    /// Why the job was interrupted (failfast, job timeout, Ctrl-C), nil when it was not.
    public var interruption: String?
    /// The hosts of the job in the order they came up (empty when unknown, e.g. a job read back).
    public var hosts: [JobHost]
    /// Epoch seconds the job started (the timeline's origin); nil: the first test's start.
    public var startEpoch: Double?
    /// Files that could not be read or parsed when the job's references were resolved
    /// (results.json `resolution_errors`): their tests are not in the job.
    public var resolutionErrors: [ParseError] = []

    public init(jobID: String, jobDir: String, jobName: String, start: String, timestamp: String,
                jobTime: Double, tests: [TestResult], interruption: String? = nil,
                hosts: [JobHost] = [], startEpoch: Double? = nil) {
        self.hosts = hosts
        self.startEpoch = startEpoch
        self.jobID = jobID
        self.jobDir = jobDir
        self.jobName = jobName
        self.start = start
        self.timestamp = timestamp
        self.jobTime = jobTime
        self.tests = tests
        self.interruption = interruption
    }

    public var counts: StatusCounts { StatusCounts(tests.map(\.status)) }

    /// Tests that passed on a retry (`--retries`) after a FAIL or ERROR.
    public var flakyTests: [TestResult] { tests.filter { $0.flaky == true } }

    /// Sum of the tests' times (results.json `time`, results.xml `time`).
    public var testTime: Double { tests.reduce(0) { $0 + $1.timeElapsed } }

    public var exitCode: JobExitCode { .forJob(counts, jobInterrupted: interruption != nil) }

    public var jobLog: String { jobDir + "/job.log" }
}
