import Foundation
import Testing

/// `qcoord run`'s job directory modes: readable as Avocado's (0755/0644) by default, 0700/0600
/// with `--private-results`, for every directory and file of a real job (reports, job.log,
/// jobdata, test directories, the results base).
@Suite struct ReportModesRunTests {
    /// This process's umask, from /proc (umask(2) would change it for a moment); the children inherit it.
    static func umask() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Umask:") }
        return line.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) } ?? 0o022
    }

    @Test(arguments: [([] as [String], 0o755, 0o644), (["--private-results"], 0o700, 0o600)])
    func everyEntryOfARealJob(flags: [String], directory: Int, file: Int) throws {
        let h = try RunHarness(resultsDir: NSTemporaryDirectory() + "qcoord-modes-\(UUID().uuidString)/results")
        defer { h.cleanup(); try? FileManager.default.removeItem(atPath: (h.resultsDir as NSString).deletingLastPathComponent) }
        // The results base does not exist yet: qcoord makes it, with the job's modes.
        try FileManager.default.removeItem(atPath: h.resultsDir)
        let o = try h.run(flags + ["--python", RunHarness.venv("113") + "/bin/python", "--retries", "1",
                                   "Tests/Fixtures/run/tests/pass.sh", "Tests/Fixtures/run/tests/fail.sh"])
        #expect(o.status == 1, "\(o.stdout)\(o.stderr)")
        let umask = Self.umask()
        let fm = FileManager.default
        var seen = 0
        for relative in try fm.subpathsOfDirectory(atPath: o.jobDir) {
            let attributes = try fm.attributesOfItem(atPath: o.jobDir + "/" + relative)
            let type = attributes[.type] as? FileAttributeType
            guard type != .typeSymbolicLink else { continue }
            let mode = (attributes[.posixPermissions] as? Int) ?? -1
            #expect(mode == (type == .typeDirectory ? directory : file) & ~umask, "\(relative): \(String(mode, radix: 8))")
            seen += 1
        }
        // The report files, jobdata, and the retried test's attempt-1/ are among them.
        #expect(seen > 20)
        #expect(fm.fileExists(atPath: o.jobDir + "/test-results/2-Tests_Fixtures_run_tests_fail.sh/attempt-1"))
        for path in [o.jobDir, h.resultsDir] {
            #expect((try fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == directory & ~umask, "\(path)")
        }
    }
}
