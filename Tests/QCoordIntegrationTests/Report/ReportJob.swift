import Foundation
import Testing

/// One real `qcoord run` job shared by the report tests: examples/failing (every status) with
/// two local slots (two timeline lanes) and `--json-events`. Kept under build/artifacts/report-job
/// so a person can open its results.html after `make check`.
struct ReportJob: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var jobDir: String
    var resultsDir: String
    var eventsPath: String

    static let artifacts = RunHarness.repoRoot.appendingPathComponent("build/artifacts").path

    /// Run once per test process (a static is initialised once, thread-safely).
    static let shared: Result<ReportJob, any Error> = Result { try run() }

    static func get() throws -> ReportJob { try shared.get() }

    static func run() throws -> ReportJob {
        let resultsDir = artifacts + "/report-job"
        try? FileManager.default.removeItem(atPath: resultsDir)
        try FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
        let events = resultsDir + "/events.jsonl"
        let o = try Self.exec(RunHarness.qcoord, ["run", "--job-results-dir", resultsDir, "--python", RunHarness.venv("113") + "/bin/python",
                                                   "--timeout", "3", "--max-parallel-tasks", "2", "--json-events", events, "examples/failing"])
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: resultsDir + "/latest")
        return ReportJob(status: o.status, stdout: o.stdout, stderr: o.stderr, jobDir: resultsDir + "/" + latest,
                         resultsDir: resultsDir, eventsPath: events)
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a program from the repository root, both pipes read while it runs.
    static func exec(_ program: String, _ args: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        process.currentDirectoryURL = RunHarness.repoRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (status, stdout, stderr) = RunHarness.wait((process, out, err))
        return Output(status: status, stdout: stdout, stderr: stderr)
    }

    /// results.json's tests: id, status, and the host (nil for a test that never ran, e.g. one
    /// no host has the QEMU binary for, cancelled before the job starts).
    func tests() throws -> [(id: String, status: String, host: String?)] {
        let results = try RunHarness.results(jobDir)
        return ((results["tests"] as? [[String: Any]]) ?? []).compactMap { t in
            guard let id = t["id"] as? String, let status = t["status"] as? String else { return nil }
            return (id, status, t["host"] as? String)
        }
    }
}
