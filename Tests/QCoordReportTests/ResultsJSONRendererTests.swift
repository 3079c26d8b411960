import Foundation
import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct ResultsJSONRendererTests {
    @Test func reproducesAvocado113ResultsJSONByteForByte() throws {
        let job = try Fixtures.avocadoJob("avocado113-results.json")
        let expected = try Fixtures.text("avocado113-results.json")
        #expect(ResultsJSONRenderer.render(job, extras: false) == expected)
    }

    @Test func addsQcoordExtrasPerTest() throws {
        let t = TestResult(uid: 1, id: "1-a.sh", name: "a.sh", kind: .simple, status: .fail, failReason: "boom",
                           timeElapsed: 0.5, host: "h1", arch: "aarch64", qemuBin: "/usr/bin/qemu-system-aarch64",
                           attempts: [.init(host: "h0", status: .error, failReason: "host h0 lost", time: 0.25),
                                      .init(host: "h1", status: .fail, failReason: "boom", time: 0.5)])
        let job = JobSummary(jobID: String(repeating: "a", count: 40), jobDir: "/j", jobName: "job", start: "s",
                             timestamp: "t", jobTime: 1, tests: [t])
        let text = ResultsJSONRenderer.render(job)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let test = try #require((object["tests"] as? [[String: Any]])?.first)
        #expect(test["host"] as? String == "h1")
        #expect(test["arch"] as? String == "aarch64")
        #expect(test["qemu_bin"] as? String == "/usr/bin/qemu-system-aarch64")
        // What `avocado jobs show` reads for End Time and Run Time.
        #expect(test["time"] as? Double == 0.5)
        #expect(test["actual_end"] as? Double == 0)
        let attempts = try #require(test["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["host"] as? String } == ["h0", "h1"])
        #expect(attempts.first?["fail_reason"] as? String == "host h0 lost")
        #expect(object["failures"] as? Int == 1)
        #expect(text.contains("\n    \"tests\": [\n        {\n            \"actual_end\": 0.0,\n            \"actual_time_end\": 0.0,\n"))
    }

    @Test func assetPushIsPerHostOnlyWhenAHostWasPushedTo() throws {
        var job = JobSummary(jobID: String(repeating: "a", count: 40), jobDir: "/j", jobName: "job", start: "s",
                             timestamp: "t", jobTime: 1, tests: [],
                             hosts: [JobHost(name: "local", arch: "x86_64", slots: 2)])
        #expect(!ResultsJSONRenderer.render(job).contains("asset_push"))
        job.hosts = [JobHost(name: "h1", arch: "x86_64", slots: 1,
                             assets: HostAssetTraffic(pushedFiles: 2, pushedBytes: 3000, reusedFiles: 1, reusedBytes: 10, evictedFiles: 1)),
                     JobHost(name: "h2", arch: "aarch64", slots: 1),
                     JobHost(name: "h3", arch: "ppc64", slots: 1, assets: HostAssetTraffic(failed: "sftp: permission denied"))]
        let text = ResultsJSONRenderer.render(job)
        #expect(!ResultsJSONRenderer.render(job, extras: false).contains("asset_push"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let push = try #require(object["asset_push"] as? [[String: Any]])
        #expect(push.map { $0["host"] as? String } == ["h1", "h3"])
        #expect(push[0]["pushed_bytes"] as? Int == 3000 && push[0]["pushed_files"] as? Int == 2)
        #expect(push[0]["reused_bytes"] as? Int == 10 && push[0]["reused_files"] as? Int == 1 && push[0]["evicted_files"] as? Int == 1)
        #expect(push[0]["failed"] is NSNull)
        #expect(push[1]["failed"] as? String == "sftp: permission denied")
    }

    @Test func resolutionErrorsAreATopLevelListOnlyWhenThereAreSome() throws {
        var job = JobSummary(jobID: String(repeating: "a", count: 40), jobDir: "/j", jobName: "job", start: "s",
                             timestamp: "t", jobTime: 1, tests: [])
        #expect(!ResultsJSONRenderer.render(job).contains("resolution_errors"))
        job.resolutionErrors = [ParseError(path: "tests/broken.py", line: 12, message: "unterminated string"),
                                ParseError(path: "tests/secret.py", line: 0, message: "cannot be read", reading: true)]
        let text = ResultsJSONRenderer.render(job)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let errors = try #require(object["resolution_errors"] as? [[String: Any]])
        #expect(errors.count == 2)
        #expect(errors[0]["file"] as? String == "tests/broken.py")
        #expect(errors[0]["line"] as? Int == 12)
        #expect(errors[0]["message"] as? String == "unterminated string")
        #expect(errors[1]["line"] is NSNull)
    }

    @Test(arguments: [(0.1, "0.1"), (1e-05, "1e-05"), (1e16, "1e+16"), (1795315460.2080693, "1795315460.2080693"),
                      (0.0, "0.0"), (3.0, "3.0"), (1.5e-7, "1.5e-07"), (123456789012345680.0, "1.2345678901234568e+17")])
    func floatsAreWrittenAsPythonReprs(value: Double, expected: String) {
        #expect(PythonJSON.pythonFloat(value) == expected)
    }

    @Test func stringsAreEscapedAsciiOnlyLikePython() {
        var out = ""
        PythonJSON.writeString("é\"\\\n\t\u{1}😀/", to: &out)
        #expect(out == #""\u00e9\"\\\n\t\u0001\ud83d\ude00/""#)
        #expect(PythonJSON.object([:]).rendered() == "{}")
        #expect(PythonJSON.array([]).rendered() == "[]")
        #expect(PythonJSON.object(["b": .int(1), "a": .null]).rendered() == "{\n    \"a\": null,\n    \"b\": 1\n}")
    }
}
