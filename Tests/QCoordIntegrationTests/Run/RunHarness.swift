import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs the built `.build/debug/qcoord` as a user would, in a private results directory.
struct RunHarness {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var qcoord: String { repoRoot.appendingPathComponent(".build/debug/qcoord").path }
    static var fixtures: String { repoRoot.appendingPathComponent("Tests/Fixtures/run/tests").path }

    /// A venv of Avocado `version` ("113" or "88"): QCOORD_AVOCADO113 / QCOORD_AVOCADO88, else build/venv-avocado*.
    static func venv(_ version: String) -> String {
        ProcessInfo.processInfo.environment["QCOORD_AVOCADO\(version)"]
            ?? repoRoot.appendingPathComponent("build/venv-avocado\(version)").path
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `<results>/latest`, resolved.
        var jobDir: String
    }

    let resultsDir: String

    init() throws {
        try self.init(resultsDir: NSTemporaryDirectory() + "qcoord-run-it-\(UUID().uuidString)")
    }

    /// A given results directory, emptied first (e.g. one under build/artifacts a person opens later).
    init(resultsDir: String) throws {
        self.resultsDir = resultsDir
        try? FileManager.default.removeItem(atPath: resultsDir)
        try FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
    }

    /// A cache of its own (timing history, agent copy): a user's history would reorder the
    /// dispatch (longest expected first) and make order-sensitive checks depend on past runs.
    var cacheDir: String { resultsDir + "-cache" }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: resultsDir)
        try? FileManager.default.removeItem(atPath: cacheDir)
    }

    func start(_ args: [String], environment: [String: String] = [:], cwd: URL = RunHarness.repoRoot) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.qcoord)
        process.arguments = ["run", "--job-results-dir", resultsDir] + args
        process.currentDirectoryURL = cwd
        process.environment = ProcessInfo.processInfo.environment
            // Nor a user's config file or QCOORD_* variables (docs/config.md): an inventory there would send the jobs elsewhere.
            .merging(["XDG_CACHE_HOME": cacheDir, "XDG_CONFIG_HOME": cacheDir + "/config", "QCOORD_INVENTORY": "", "QCOORD_RESULTS_DIR": ""]) { _, new in new }
            .merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    func finish(_ started: (Process, Pipe, Pipe)) -> Outcome {
        let (status, stdout, stderr) = Self.wait(started)
        let latest = (try? FileManager.default.destinationOfSymbolicLink(atPath: resultsDir + "/latest")).map { resultsDir + "/" + $0 } ?? ""
        return Outcome(status: status, stdout: stdout, stderr: stderr, jobDir: latest)
    }

    /// Waits for a started process, reading both pipes concurrently with the wait (a full pipe
    /// would block it); its exit status and output.
    static func wait(_ started: (Process, Pipe, Pipe)) -> (status: Int32, stdout: String, stderr: String) {
        let (process, out, err) = started
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func run(_ args: [String], environment: [String: String] = [:], cwd: URL = RunHarness.repoRoot) throws -> Outcome {
        finish(try start(args, environment: environment, cwd: cwd))
    }

    /// results.json parsed.
    static func results(_ jobDir: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: jobDir + "/results.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func statuses(_ results: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for t in (results["tests"] as? [[String: Any]]) ?? [] {
            if let name = t["name"] as? String, let status = t["status"] as? String { out[name] = status }
        }
        return out
    }

    /// Validates with docs/results.schema.json through python `jsonschema` (from the 113 venv).
    static func validateSchema(_ files: [String]) throws -> (Bool, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venv("113") + "/bin/python")
        process.arguments = [repoRoot.appendingPathComponent("scripts/validate_results.py").path] + files
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, text)
    }

    /// PIDs of live processes whose environment holds `marker` (e.g. a QEMU a test started).
    /// The marked processes still there after up to `seconds`, each as "pid state cmdline".
    static func processesSurviving(withEnvironmentMarker marker: String, for seconds: Double) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var pids = processes(withEnvironmentMarker: marker)
        while !pids.isEmpty && Date() < deadline {
            usleep(100_000)
            pids = processes(withEnvironmentMarker: marker)
        }
        return pids.map { pid in
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let state = stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "?"
            let cmd = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self)
                .replacingOccurrences(of: "\0", with: " ")
            return "\(pid) \(state) \(cmd)"
        }
    }

    static func processes(withEnvironmentMarker marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard pid != getpid(), let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return env.range(of: Data(marker.utf8)) != nil
        }
    }
}
