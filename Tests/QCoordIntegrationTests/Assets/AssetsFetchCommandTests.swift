import Foundation
import Testing

/// `qcoord assets fetch --from-json` as a user runs it (not a terminal: one line per asset),
/// against Tests/Fixtures/assets/asset_server.py.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QCOORD_ASSET_FETCH_TESTS"] != nil,
                "set QCOORD_ASSET_FETCH_TESTS=1 (make check-asset-fetch)"))
struct AssetsFetchCommandTests {
    static var qcoord: String { AssetServer.repoRoot.appendingPathComponent(".build/debug/qcoord").path }

    /// Runs qcoord to its end, its output in files (no pipe read blocks a thread of the test pool).
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("qcoord-assets-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("stdout")
        let errURL = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.qcoord)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] { env[name] = nil }
        env.merge(environment) { $1 }
        p.environment = env
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            p.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try p.run() } catch { p.terminationHandler = nil; continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return (status, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    func write(_ list: [[String: String]], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: list).write(to: url)
    }

    @Test func fetchesThenFindsInTheCacheAndFailsOnAMissingOne() async throws {
        let server = try await AssetServer.start()
        let cache = server.cacheDirectory()
        let list = server.directory.appendingPathComponent("assets.json")
        let small = server.file("/small.bin")
        let big = server.file("/big.bin")
        try write([["url": server.url("/small.bin"), "hash": small.sha256, "algorithm": "sha256"],
                   ["url": server.url("/big.bin"), "hash": big.sha1]], to: list)
        let first = try await run(["assets", "fetch", "--from-json", list.path, "--asset-cache", cache.path])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("fetched \(server.url("/small.bin")) 100.0 KiB in "), "\(first.stdout)")
        #expect(first.stdout.contains("fetched \(server.url("/big.bin")) 1.0 MiB in "))
        #expect(first.stdout.contains("assets: 2 fetched (1.1 MiB in "))
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("sha1/\(big.sha1)").path))

        let second = try await run(["assets", "fetch", "--from-json", list.path, "--asset-cache", cache.path, "--json"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.contains("cached \(server.url("/small.bin")) 100.0 KiB"))
        #expect(second.stderr.contains("assets: 0 fetched (0 B in "))
        let doc = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        let assets = doc?["assets"] as? [[String: Any]]
        #expect(assets?.compactMap { $0["state"] as? String } == ["cached", "cached"], "\(second.stdout)")
        #expect(server.requests().count == 2)

        try write([["url": server.url("/missing.bin"), "hash": server.file("/wrong.bin").sha256],
                   ["url": server.url("/small.bin"), "hash": small.sha256],
                   ["url": server.url("/nohash.bin")]], to: list)
        let third = try await run(["assets", "fetch", "--from-json", list.path, "--asset-cache", cache.path])
        #expect(third.status == 1, "\(third)")
        #expect(third.stdout.contains("FAILED \(server.url("/missing.bin")): HTTP 404 Not Found"), "\(third.stdout)")
        #expect(third.stderr.contains("skipped \(server.url("/nohash.bin")): no hash declared"))
        #expect(third.stdout.contains("1 cached, 1 failed, 1 left to the tests"), "\(third.stdout)")
    }

    @Test func usageErrors() async throws {
        let none = try await run(["assets", "fetch"], environment: ["AVOCADO_TESTS": ""])
        #expect(none.status == 2 && none.stderr.contains("no test references and no '--from-json'"), "\(none)")
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("qcoord-assets-usage-\(UUID().uuidString).json")
        try Data("[{\"url\": \"https://a/x\", \"algorithm\": \"md5\"}]".utf8).write(to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = try await run(["assets", "fetch", "--from-json", dir.path])
        #expect(bad.status == 2 && bad.stderr.contains("algorithm 'md5' is not sha1, sha256 or sha512"), "\(bad)")
    }
}
