import Foundation
import Testing

/// `qcoord run --keep-tmp`: the local agent's scratch dir stays, with the test's task dir, and
/// the job says where (Avocado's --keep-tmp); without the flag it is gone.
@Suite struct KeepTmpRunTests {
    @Test func keptAndNamedWithTheFlagGoneWithout() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let python = RunHarness.venv("113") + "/bin/python"
        let o = try h.run(["--python", python, "--keep-tmp", "Tests/Fixtures/run/tests/pass.sh"])
        #expect(o.status == 0, "\(o.stderr)")
        let line = try #require(o.stdout.split(separator: "\n").first { $0.hasPrefix("KEPT TMP   : local:") }, "\(o.stdout)")
        let dir = String(line.dropFirst("KEPT TMP   : local:".count))
        defer { if dir.hasPrefix("/") && dir.contains("qcoord-") { try? FileManager.default.removeItem(atPath: dir) } }
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir + "/task-1/tmp", isDirectory: &isDir) && isDir.boolValue, "\(dir)")
        let log = try String(contentsOfFile: o.jobDir + "/job.log", encoding: .utf8)
        #expect(log.contains("host local: scratch dir \(dir) is kept (--keep-tmp)"))

        let plain = try h.run(["--python", python, "--json-events", h.resultsDir + "/events.jsonl", "Tests/Fixtures/run/tests/pass.sh"])
        #expect(plain.status == 0 && !plain.stdout.contains("KEPT TMP"), "\(plain.stdout)")
    }
}
