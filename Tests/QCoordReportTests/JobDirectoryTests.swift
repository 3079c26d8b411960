import Foundation
import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct SafePathTests {
    @Test(arguments: ["/etc/passwd", "../x", "a/../../x", "a/./b", "", "a//b", "a/", "..", ".", "a\0b"])
    func refusesNamesLeavingTheDirectory(name: String) {
        #expect(SafePath.components(name) == nil)
    }

    @Test(arguments: [("debug.log", ["debug.log"]), ("data/sub/f.bin", ["data", "sub", "f.bin"]), ("..hidden", ["..hidden"])])
    func acceptsPlainRelativeNames(name: String, parts: [String]) {
        #expect(SafePath.components(name) == parts)
    }

    @Test func testDirectoryNamesReplaceAvocadosCharacters() {
        #expect(SafePath.testDirectoryName("1-t/inst.py:Inst.test_pass") == "1-t_inst.py_Inst.test_pass")
        #expect(SafePath.testDirectoryName(#"a<b>c:d"e/f\g|h?i*j;k"#) == "a_b_c_d_e_f_g_h_i_j_k")
    }
}

@Suite struct JobDirectoryTests {
    func tempBase() throws -> String {
        let base = NSTemporaryDirectory() + "qcoord-jobdir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }

    @Test func createsNamedDirectoryWithLatestAndLongerIdOnClash() throws {
        let base = try tempBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let date = Date(timeIntervalSince1970: 1_795_315_458)
        let id = "e8f97238f71c35935db6b6b5940ae30103795d9e"
        let first = try JobDirectory.create(base: base, jobID: id, date: date)
        let stamp = JobDirectory.formatLocal(date, "%Y-%m-%dT%H.%M")
        #expect(first.name == "job-\(stamp)-e8f9723")
        let second = try JobDirectory.create(base: base, jobID: id, date: date)
        #expect(second.name == "job-\(stamp)-e8f97238")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: base + "/latest") == second.name)
        #expect(try String(contentsOfFile: first.path + "/id", encoding: .utf8) == id + "\n")
        // Readable as Avocado's by default (less the umask).
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as? Int)
        #expect(mode == 0o755 & ~Self.umask())
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: first.path + "/jobdata", isDirectory: &isDir) && isDir.boolValue)
        #expect(first.testDirectory(uid: 3, name: "t/a.py:C.t", total: 12) == first.path + "/test-results/03-t_a.py_C.t")
    }

    /// The process's umask, from /proc (reading it with umask(2) would change it for a moment).
    static func umask() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Umask:") }
        return line.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) } ?? 0o022
    }

    /// Every file and directory of `root` (symlinks left out) with its permission bits.
    static func modes(under root: String) throws -> [(path: String, mode: Int, isDirectory: Bool)] {
        let fm = FileManager.default
        var out: [(String, Int, Bool)] = []
        for relative in try fm.subpathsOfDirectory(atPath: root) {
            let path = root + "/" + relative
            let attributes = try fm.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType != .typeSymbolicLink else { continue }
            out.append((relative, (attributes[.posixPermissions] as? Int) ?? -1, attributes[.type] as? FileAttributeType == .typeDirectory))
        }
        return out
    }

    /// Readable (0755/0644, the default) and private (0700/0600) job directories: every directory
    /// and file qcoord makes there, the results base, test directories, agent files and reports.
    @Test(arguments: [(ReportModes.readable, 0o755, 0o644), (ReportModes.private, 0o700, 0o600)])
    func everyFileAndDirectoryGetsTheJobsModes(modes: ReportModes, directory: Int, file: Int) throws {
        let base = try tempBase() + "/results"
        defer { try? FileManager.default.removeItem(atPath: (base as NSString).deletingLastPathComponent) }
        let dir = try JobDirectory.create(base: base, jobID: "0123456789abcdef0123456789abcdef01234567", date: Date(), modes: modes)
        #expect(dir.modes == modes)
        let test = dir.testDirectory(uid: 1, name: "a.sh", total: 1)
        try dir.makeTestDirectory(test, emptyFiles: ["stdout", "stderr"])
        try dir.writeTestFile(testDir: test, name: "data/sub/out.txt", offset: 0, bytes: Array("x".utf8))
        try dir.appendTestFile(testDir: test, name: "stdout", bytes: Array("y".utf8))
        try dir.replaceTestFile(testDir: test, name: "debug.log", bytes: Array("z".utf8))
        try dir.writeJobData(args: [:], cmdline: ["qcoord"], pwd: "/", references: ["a.sh"])
        try dir.writeReport(JobSummary(jobID: dir.jobID, jobDir: dir.path, jobName: dir.name, start: "s", timestamp: "t", jobTime: 0, tests: []), logs: [:])
        let umask = Self.umask()
        let all = try Self.modes(under: dir.path)
        #expect(all.count > 12)
        for entry in all {
            #expect(entry.mode == (entry.isDirectory ? directory : file) & ~umask, "\(entry.path): \(String(entry.mode, radix: 8))")
        }
        let baseMode = try FileManager.default.attributesOfItem(atPath: base)[.posixPermissions] as? Int
        #expect(baseMode == directory & ~umask)
        // An existing job keeps its kind (run --resume).
        #expect(try JobDirectory.existing(path: dir.path).modes == modes)
    }

    @Test func writesAgentFilesOnlyInsideTheTestDirectory() throws {
        let base = try tempBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let job = try JobDirectory.create(base: base, jobID: String(repeating: "1", count: 40), date: Date())
        let dir = job.testDirectory(uid: 1, name: "x", total: 1)
        try job.makeTestDirectory(dir)
        try job.writeTestFile(testDir: dir, name: "data/sub/f.txt", offset: 0, bytes: Array("hello".utf8))
        try job.writeTestFile(testDir: dir, name: "data/sub/f.txt", offset: 5, bytes: Array(" world".utf8))
        #expect(try String(contentsOfFile: dir + "/data/sub/f.txt", encoding: .utf8) == "hello world")

        #expect(throws: ReportError.self) { try job.writeTestFile(testDir: dir, name: "../escape", offset: 0, bytes: [1]) }
        #expect(throws: ReportError.self) { try job.writeTestFile(testDir: dir, name: "/tmp/abs", offset: 0, bytes: [1]) }
        #expect(!FileManager.default.fileExists(atPath: job.path + "/test-results/escape"))

        // A symlink inside the test directory (say, planted by an earlier chunk) is never followed.
        let outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: dir + "/flink", withDestinationPath: outside + "/target")
        #expect(throws: ReportError.self) { try job.writeTestFile(testDir: dir, name: "link/f", offset: 0, bytes: [1]) }
        #expect(throws: ReportError.self) { try job.writeTestFile(testDir: dir, name: "flink", offset: 0, bytes: [1]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func writesTheWholeReport() throws {
        let base = try tempBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let job = try JobDirectory.create(base: base, jobID: String(repeating: "2", count: 40), date: Date())
        try job.writeJobData(args: ["failfast": "false"], cmdline: ["qcoord", "run", "it's"], pwd: "/w", references: ["a.sh"])
        let summary = JobSummary(jobID: job.jobID, jobDir: job.path, jobName: job.name, start: "s", timestamp: "t", jobTime: 1,
                                 tests: [TestResult(uid: 1, id: "1-a.sh", name: "a.sh", kind: .simple, status: .pass)])
        let extraJSON = base + "/copy.json"
        try job.writeReport(summary, logs: [:], json: extraJSON)
        for name in ["results.json", "results.xml", "results.tap", "results.html", "jobdata/cmdline", "jobdata/pwd",
                     "jobdata/test_references", "jobdata/args.json"] {
            #expect(FileManager.default.fileExists(atPath: job.path + "/" + name), "\(name)")
        }
        #expect(try String(contentsOfFile: job.path + "/jobdata/cmdline", encoding: .utf8) == #"['qcoord', 'run', 'it\'s']"#)
        #expect(try String(contentsOfFile: extraJSON, encoding: .utf8) == ResultsJSONRenderer.render(summary))
        let html = try String(contentsOfFile: job.path + "/results.html", encoding: .utf8)
        #expect(html.contains("1-a.sh") && html.contains("PASS 1 |"))
    }

    /// `--tap -` (or `--json -`, `--xunit -`): the copy goes to stdout, no file named "-".
    @Test func aCopyNamedDashGoesToStdout() throws {
        let base = try tempBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let job = try JobDirectory.create(base: base, jobID: String(repeating: "3", count: 40), date: Date())
        let summary = JobSummary(jobID: job.jobID, jobDir: job.path, jobName: job.name, start: "s", timestamp: "t", jobTime: 1,
                                 tests: [TestResult(uid: 1, id: "1-a.sh", name: "a.sh", kind: .simple, status: .fail)])
        var printed: [String] = []
        let cwd = FileManager.default.currentDirectoryPath
        try job.writeReport(summary, logs: [:], tap: "-", stdout: { printed.append($0) })
        #expect(printed == [ResultsTAPRenderer.render(summary)])
        #expect(printed.first?.hasPrefix("1..1\nnot ok 1 a.sh") == true, "\(printed)")
        #expect(!FileManager.default.fileExists(atPath: cwd + "/-") && !FileManager.default.fileExists(atPath: job.path + "/-"))
        #expect(try String(contentsOfFile: job.path + "/results.tap", encoding: .utf8) == printed.first)
    }
}
