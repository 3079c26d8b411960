import Foundation
import Testing

/// `qcoord run` on QEMU tests/functional tests that declare `Asset(url, sha256)` served by the
/// local asset server (`make check-asset-fetch`, which fetches the QEMU 10.0 material): the
/// coordinator fetches each asset once before the job; a test whose asset is there PASSes
/// without downloading it itself (QEMU_TEST_NO_DOWNLOAD, the cache as QEMU's); a wrong hash and
/// a 404 make their tests SKIP before they start, with the URL and the reason; a second job
/// fetches nothing.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_ASSET_FETCH_TESTS"] != nil,
                             "make check-asset-fetch sets QCOORD_ASSET_FETCH_TESTS"))
struct FunctionalAssetRunTests {
    static let qemu = RunHarness.repoRoot.appendingPathComponent("build/qemu-10.0").path

    /// A functional root (QEMU 10.0's qemu_test and python/) with one test file whose three
    /// tests read one asset each: good, wrong hash, missing.
    static func makeTree(_ server: AssetServer) throws -> String {
        let root = NSTemporaryDirectory() + "qcoord-fn-assets-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/tests/functional", withIntermediateDirectories: true)
        try fm.copyItem(atPath: qemu + "/src/tests/functional/qemu_test", toPath: root + "/tests/functional/qemu_test")
        try fm.copyItem(atPath: qemu + "/src/python", toPath: root + "/python")
        try "tests_x86_64_system_quick = [\n  'assets',\n]\n".write(toFile: root + "/tests/functional/meson.build", atomically: true, encoding: .utf8)
        let small = server.file("/small.bin"), wrong = server.file("/wrong.bin")
        let test = """
            #!/usr/bin/env python3
            import hashlib
            from qemu_test import QemuSystemTest, Asset

            class Good(QemuSystemTest):
                ASSET_SMALL = Asset('\(server.url("/small.bin"))', '\(small.sha256)')

                def test_reads_asset(self):
                    with open(self.ASSET_SMALL.fetch(), 'rb') as f:
                        self.assertEqual(hashlib.sha256(f.read()).hexdigest(), '\(small.sha256)')

            class WrongHash(QemuSystemTest):
                ASSET_WRONG = Asset('\(server.url("/wrong.bin"))', '\(String(repeating: "0", count: 64))')

                def test_wrong(self):
                    self.ASSET_WRONG.fetch()

            class Missing(QemuSystemTest):
                ASSET_GONE = Asset('\(server.url("/gone.bin"))', '\(wrong.sha256)')

                def test_missing(self):
                    self.ASSET_GONE.fetch()

            if __name__ == '__main__':
                QemuSystemTest.main()

            """
        try test.write(toFile: root + "/tests/functional/test_assets.py", atomically: true, encoding: .utf8)
        return root
    }

    @Test("fetched once by the coordinator; PASS from the cache; wrong hash and 404 SKIP with the URL; a second job fetches nothing")
    func functionalTestsUseTheCoordinatorsAssets() async throws {
        let server = try await AssetServer.start()
        let root = try Self.makeTree(server)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let cache = server.cacheDirectory("coordinator").path
        let env = ["PATH": Self.qemu + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                   "PYTHONPATH": Self.qemu + "/pylib"]
        let args = ["--asset-cache", cache, "--python", RunHarness.venv("113") + "/bin/python", root + "/tests/functional/test_assets.py"]

        let first = try harness.run(args, environment: env)
        let statuses = try Self.statuses(first)
        #expect(statuses == ["Good.test_reads_asset": "PASS", "Missing.test_missing": "SKIP", "WrongHash.test_wrong": "SKIP"],
                "\(first.stderr.suffix(2000))")
        let reasons = try Self.reasons(first)
        #expect(reasons["WrongHash.test_wrong"]?.contains(server.url("/wrong.bin")) == true)
        #expect(reasons["WrongHash.test_wrong"]?.contains("could not be had") == true)
        #expect(reasons["Missing.test_missing"]?.contains("404") == true, "\(reasons)")
        #expect(first.stderr.contains("ASSETS     :"))
        // The good asset crossed once, fetched by the coordinator; the test read it from the cache.
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1)

        let second = try harness.run(args, environment: env)
        #expect(try Self.statuses(second)["Good.test_reads_asset"] == "PASS")
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1,
                "the second job fetched the cached asset again")
    }

    /// "Class.method" → status (names end in `;arch=x86_64`).
    static func statuses(_ outcome: RunHarness.Outcome) throws -> [String: String] {
        try field(outcome, "status")
    }

    static func reasons(_ outcome: RunHarness.Outcome) throws -> [String: String] {
        try field(outcome, "fail_reason")
    }

    static func field(_ outcome: RunHarness.Outcome, _ key: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for t in (try RunHarness.results(outcome.jobDir)["tests"] as? [[String: Any]]) ?? [] {
            guard let name = t["name"] as? String, let colon = name.lastIndex(of: ":") else { continue }
            let short = name[name.index(after: colon)...].split(separator: ";").first.map(String.init) ?? ""
            out[short] = t[key] as? String
        }
        return out
    }
}
