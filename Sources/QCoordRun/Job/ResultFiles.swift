import Foundation
import QCoordCore
import QCoordReport

/// The test-result files of a job (`test-results/N-name/`: stdout, stderr, debug.log, the files
/// agents send, `attempt-N/` of earlier attempts) and each test's TestResult: the observer that
/// carries out the job book's dispatches and outcomes on disk.
///
/// Test files are written from the Coordinator actor: they are small appends to local disk, and
/// doing them there keeps the order of an agent's chunks without another queue.
struct ResultFiles {
    let tests: [TestCase]
    let directory: JobDirectory
    let log: JobLog
    private var dirs: [String]
    private var sawDebugLog: [Bool]
    /// stdout or stderr got bytes (else a debug.log need not read them back).
    private var sawOutput: [Bool]
    private var startedEpoch: [Double?]

    init(tests: [TestCase], directory: JobDirectory, log: JobLog) {
        self.tests = tests
        self.directory = directory
        self.log = log
        dirs = tests.indices.map { directory.testDirectory(uid: $0 + 1, name: tests[$0].name, total: tests.count) }
        sawDebugLog = Array(repeating: false, count: tests.count)
        sawOutput = sawDebugLog
        startedEpoch = Array(repeating: nil, count: tests.count)
    }

    /// A test is about to be sent: its directory, with an earlier attempt's logs kept in `attempt-N/`.
    mutating func prepare(_ d: BookDispatch) {
        sawDebugLog[d.test] = false
        sawOutput[d.test] = false
        startedEpoch[d.test] = nil
        let dir = dirs[d.test]
        write {
            if d.attempt > 1 { try Self.keepAttemptLogs(dir: dir, attempt: d.attempt - 1, mode: directory.modes.directory) }
            // As Avocado: stdout and stderr exist even when the test printed nothing.
            try directory.makeTestDirectory(dir, emptyFiles: ["stdout", "stderr"])
        }
    }

    mutating func started(_ index: Int, epoch: Double) { startedEpoch[index] = epoch }

    mutating func output(_ index: Int, host: String, _ o: AgentMessage.Output) {
        guard o.stream == "stdout" || o.stream == "stderr" else {
            return log.error("host \(host): output on unknown stream \(o.stream.debugDescription) ignored")
        }
        guard let bytes = Data(base64Encoded: o.dataB64) else {
            return log.error("host \(host): undecodable output chunk for \(tests[index].name) ignored")
        }
        sawOutput[index] = true
        write { try directory.appendTestFile(testDir: dirs[index], name: o.stream, bytes: Array(bytes)) }
    }

    mutating func file(_ index: Int, host: String, _ f: AgentMessage.FileChunk) {
        guard let bytes = Data(base64Encoded: f.dataB64), f.offset >= 0 else {
            return log.error("host \(host): undecodable file chunk \(f.name.debugDescription) ignored")
        }
        if f.name == "debug.log" { sawDebugLog[index] = true }
        write { try directory.writeTestFile(testDir: dirs[index], name: f.name, offset: f.offset, bytes: Array(bytes)) }
    }

    /// An attempt that is not the last ended (a retry follows, or its host was lost).
    func attemptEnded(_ index: Int, _ attempt: TestResult.Attempt) {
        if !sawDebugLog[index] { writeDebugLog(index, status: attempt.status, reason: attempt.failReason) }
    }

    /// The final TestResult of an outcome; a test that never ran gets its directory and a debug.log saying why.
    func result(_ o: BookOutcome, qemuVersion: String?) -> TestResult {
        let index = o.test, dir = dirs[index]
        let now = JobClock.monotonic(), epoch = JobClock.epoch()
        if !o.ran {
            write {
                try directory.makeTestDirectory(dir)
                try directory.writeTestFile(testDir: dir, name: "debug.log", offset: 0,
                                            bytes: Array("\(tests[index].name): never ran: \(o.reason ?? "")\n".utf8))
            }
        } else if !sawDebugLog[index] {
            writeDebugLog(index, status: o.status, reason: o.reason)
        }
        var result = TestResult(
            uid: index + 1, id: TestResult.testID(uid: index + 1, name: tests[index].name, total: tests.count),
            name: tests[index].name, kind: tests[index].kind, status: o.status, failReason: o.reason,
            tags: tests[index].tags, timeElapsed: o.time, timeStart: now - o.time, timeEnd: now,
            actualTimeStart: o.ran ? startedEpoch[index] ?? (epoch - o.time) : epoch, actualTimeEnd: epoch,
            logdir: dir, logfile: dir + "/debug.log", whiteboard: o.whiteboard ?? "",
            host: o.ran ? o.host : nil, arch: o.arch, qemuBin: o.qemuBin, attempts: o.attempts, ran: o.ran)
        if o.flaky { result.flaky = true }
        result.qemuVersion = qemuVersion
        return result
    }

    /// The agent sent no debug.log: one from what qcoord saw (Avocado's `[stdout] …` lines).
    private func writeDebugLog(_ index: Int, status: TestStatus, reason: String?) {
        let dir = dirs[index]
        var text = ""
        for stream in ["stdout", "stderr"] where sawOutput[index] {
            guard let data = FileManager.default.contents(atPath: dir + "/" + stream) else { continue }
            for line in String(decoding: data.prefix(1 << 20), as: UTF8.self).split(separator: "\n") {
                text += "[\(stream)] \(line)\n"
            }
        }
        text += "\(status.rawValue)" + (reason.map { ": \($0)" } ?? "") + "\n"
        write { try directory.replaceTestFile(testDir: dir, name: "debug.log", bytes: Array(text.utf8)) }
    }

    private func write(_ body: () throws -> Void) {
        do { try body() } catch { log.error("\(error)") }
    }

    /// Moves the files of attempt `attempt` (everything in `dir` but earlier `attempt-*` dirs) to `dir/attempt-N`.
    static func keepAttemptLogs(dir: String, attempt: Int, mode: mode_t = ReportModes.readable.directory) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
        let moved = names.filter { !$0.hasPrefix("attempt-") }
        guard !moved.isEmpty else { return }
        let target = dir + "/attempt-\(attempt)"
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        for name in moved { try fm.moveItem(atPath: dir + "/" + name, toPath: target + "/" + name) }
    }
}
