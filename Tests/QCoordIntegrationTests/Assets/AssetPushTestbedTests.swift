import Foundation
import Testing

/// `qcoord run` over a 2-host netns testbed (`make check-asset-push`, prefix qcap, 10.231.28) whose
/// hosts cannot reach the local asset server (its 127.0.0.1 is not theirs): the coordinator
/// fetches each asset once (resuming the one whose connection drops half-way), pushes it to each
/// host's store once (`~/.cache/qcoord/assets`); FUNCTIONAL tests PASS there from the store as
/// QEMU's cache and real Avocado tests from the task's Avocado cache; a wrong hash and a 404
/// SKIP (functional) / CANCEL (Avocado) with the URL; a second job pushes nothing.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_ASSET_PUSH_TESTBED_DIR"] != nil,
                             "make check-asset-push sets QCOORD_ASSET_PUSH_TESTBED_DIR"))
struct AssetPushTestbedTests {
    /// host → (bytes, files) pushed, (bytes, files) reused: job.log's per-host lines.
    static func pushes(_ jobDir: String) throws -> [String: (pushed: Int, files: Int, reused: Int, reusedFiles: Int)] {
        let log = try String(contentsOfFile: jobDir + "/job.log", encoding: .utf8)
        var out: [String: (Int, Int, Int, Int)] = [:]
        let pattern = try NSRegularExpression(pattern: #"host (\S+): assets in \S+: pushed (\d+) bytes in (\d+) files, reused (\d+) bytes in (\d+) files"#)
        for line in log.split(separator: "\n").map(String.init) {
            let range = NSRange(line.startIndex..., in: line)
            guard let m = pattern.firstMatch(in: line, range: range) else { continue }
            func group(_ i: Int) -> String { String(line[Range(m.range(at: i), in: line)!]) }
            out[group(1)] = (Int(group(2))!, Int(group(3))!, Int(group(4))!, Int(group(5))!)
        }
        return out
    }

    /// FunctionalAssetRunTests' tree, its tests for x86_64 and aarch64: the testbed's two hosts
    /// hold disjoint targets (h1 x86_64, h2 aarch64), so each runs one copy and needs the asset.
    /// Plus an Avocado file (`tests/avocado/test_av_assets.py`): arch-neutral, so it runs on h1,
    /// the host holding qemu-system-<its own arch>; its small asset is the functional one's bytes
    /// (one push serves both formats), the others by sha1 (resumed half-way) and by name (sha512).
    static func makeTree(_ server: AssetServer) throws -> String {
        let root = try FunctionalAssetRunTests.makeTree(server)
        try "tests_x86_64_system_quick = [\n  'assets',\n]\ntests_aarch64_system_quick = [\n  'assets',\n]\n"
            .write(toFile: root + "/tests/functional/meson.build", atomically: true, encoding: .utf8)
        let small = server.file("/small.bin"), flaky = server.file("/flaky.bin"), big = server.file("/big.bin")
        let wrong = server.file("/wrong.bin")
        let avocado = """
            import hashlib
            from avocado import Test


            def digest(path, algorithm):
                with open(path, 'rb') as f:
                    return hashlib.new(algorithm, f.read()).hexdigest()


            class AvGood(Test):
                def test_small(self):
                    path = self.fetch_asset('\(server.url("/small.bin"))', asset_hash='\(small.sha256)', algorithm='sha256')
                    self.assertEqual(digest(path, 'sha256'), '\(small.sha256)')

                def test_flaky(self):
                    path = self.fetch_asset('\(server.url("/flaky.bin"))', asset_hash='\(flaky.sha1)')
                    self.assertEqual(digest(path, 'sha1'), '\(flaky.sha1)')

                def test_big(self):
                    path = self.fetch_asset('big.bin', asset_hash='\(big.sha512)', algorithm='sha512',
                                            locations=['\(server.url("/big.bin"))'])
                    self.assertEqual(digest(path, 'sha512'), '\(big.sha512)')


            class AvWrong(Test):
                def test_wrong(self):
                    self.fetch_asset('\(server.url("/wrong.bin"))', asset_hash='\(String(repeating: "0", count: 40))',
                                     cancel_on_missing=True)


            class AvMissing(Test):
                def test_missing(self):
                    self.fetch_asset('\(server.url("/gone.bin"))', asset_hash='\(wrong.sha1)', cancel_on_missing=True)

            """
        try FileManager.default.createDirectory(atPath: root + "/tests/avocado", withIntermediateDirectories: true)
        try avocado.write(toFile: root + "/tests/avocado/test_av_assets.py", atomically: true, encoding: .utf8)
        return root
    }

    /// results.json `asset_push`: host → (pushed files, pushed bytes, reused files, reused bytes).
    static func assetPush(_ jobDir: String) throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for h in (try RunHarness.results(jobDir)["asset_push"] as? [[String: Any]]) ?? [] {
            out[h["host"] as? String ?? "?"] = ["pushed_files", "pushed_bytes", "reused_files", "reused_bytes"].map { h[$0] as? Int ?? -1 }
        }
        return out
    }

    /// "Class.method;arch=T" → (status, host, reason).
    static func outcomes(_ outcome: RunHarness.Outcome) throws -> [String: (status: String, host: String, reason: String)] {
        var out: [String: (String, String, String)] = [:]
        for t in (try RunHarness.results(outcome.jobDir)["tests"] as? [[String: Any]]) ?? [] {
            guard let name = t["name"] as? String, let colon = name.lastIndex(of: ":") else { continue }
            out[String(name[name.index(after: colon)...])] = (t["status"] as? String ?? "?", t["host"] as? String ?? "?",
                                                            t["fail_reason"] as? String ?? "")
        }
        return out
    }

    static func gets(_ server: AssetServer, _ path: String) -> [AssetServer.Request] {
        server.requests().filter { $0.path == path && $0.method == "GET" && $0.server == "origin" }
    }

    @Test("each asset crosses once per host; FUNCTIONAL and Avocado tests PASS on hosts that cannot reach the server; wrong hash and 404 SKIP/CANCEL with the URL; the half-way download resumes; a second job pushes nothing")
    func assetsArePushedToTheHosts() async throws {
        let state = try #require(ProcessInfo.processInfo.environment["QCOORD_ASSET_PUSH_TESTBED_DIR"])
        // The hosts' homes are the testbed's <state>/hN/home: start from empty stores.
        for host in ["h1", "h2"] { try? FileManager.default.removeItem(atPath: "\(state)/\(host)/home/.cache/qcoord/assets") }
        let server = try await AssetServer.start(bigMiB: 16)
        let root = try Self.makeTree(server)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let cache = server.cacheDirectory("coordinator").path
        let args = ["--asset-cache", cache, "--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts",
                    root + "/tests/functional/test_assets.py", root + "/tests/avocado/test_av_assets.py"]

        let first = try harness.run(args)
        let outcomes = try Self.outcomes(first)
        #expect(outcomes.mapValues { $0.status } == [
            "Good.test_reads_asset;arch=x86_64": "PASS", "Missing.test_missing;arch=x86_64": "SKIP", "WrongHash.test_wrong;arch=x86_64": "SKIP",
            "Good.test_reads_asset;arch=aarch64": "PASS", "Missing.test_missing;arch=aarch64": "SKIP", "WrongHash.test_wrong;arch=aarch64": "SKIP",
            "AvGood.test_small": "PASS", "AvGood.test_flaky": "PASS", "AvGood.test_big": "PASS",
            "AvWrong.test_wrong": "CANCEL", "AvMissing.test_missing": "CANCEL",
        ], "\(first.stderr.suffix(3000))")
        for test in ["AvGood.test_small", "AvGood.test_flaky", "AvGood.test_big"] {
            #expect(outcomes[test]?.host == "h1", "\(test): \(String(describing: outcomes[test]))")
        }
        // Kept back before the start, with the URL and why.
        #expect(outcomes["AvWrong.test_wrong"]?.reason.contains(server.url("/wrong.bin")) == true, "\(outcomes)")
        #expect(outcomes["AvMissing.test_missing"]?.reason.contains("404") == true, "\(outcomes)")
        #expect(outcomes["WrongHash.test_wrong;arch=x86_64"]?.reason.contains(server.url("/wrong.bin")) == true)
        // The connection dropped half-way through flaky.bin: the fetch resumed with a Range request.
        let flakyGets = Self.gets(server, "/flaky.bin")
        #expect(flakyGets.count == 2 && flakyGets.last?.range?.hasPrefix("bytes=") == true
                && flakyGets.last?.range != "bytes=0-", "\(flakyGets)")
        #expect(Self.gets(server, "/big.bin").count == 1)
        // Each copy ran on the testbed host holding its target, which cannot reach 127.0.0.1's server.
        #expect(outcomes["Good.test_reads_asset;arch=x86_64"]?.host == "h1")
        #expect(outcomes["Good.test_reads_asset;arch=aarch64"]?.host == "h2")
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1)
        #expect(first.stderr.contains("ASSET PUSH :"), "\(first.stderr.suffix(2000))")
        let size = server.file("/small.bin").size
        let h1Bytes = size + server.file("/flaky.bin").size + server.file("/big.bin").size
        let firstPushes = try Self.pushes(first.jobDir)
        #expect(Set(firstPushes.keys) == ["h1", "h2"], "\(firstPushes)")
        // Each asset crossed once to each host that runs a test needing it (the small one serves
        // both formats on h1).
        #expect(firstPushes["h1"].map { [$0.files, $0.pushed, $0.reusedFiles] } == [3, h1Bytes, 0], "\(firstPushes)")
        #expect(firstPushes["h2"].map { [$0.files, $0.pushed, $0.reusedFiles] } == [1, size, 0], "\(firstPushes)")
        #expect(try Self.assetPush(first.jobDir) == ["h1": [3, h1Bytes, 0, 0], "h2": [1, size, 0, 0]])
        let html = try String(contentsOfFile: first.jobDir + "/results.html", encoding: .utf8)
        #expect(html.contains("<caption>Assets</caption>") && html.contains("<tr><th>h1</th><td title=\"\(h1Bytes) bytes\">3 · "))
        print("asset push (testbed): first job: " + firstPushes.sorted { $0.key < $1.key }
            .map { "\($0.key) pushed \($0.value.pushed) B in \($0.value.files) files, reused \($0.value.reused) B" }.joined(separator: "; "))

        // The first job's timing history is used: a second job whose other tests SKIP before the
        // start once stranded a Good copy (a kept-back test lent its empty host set to its group).
        let second = try harness.run(args)
        let again = try Self.outcomes(second)
        #expect(again["Good.test_reads_asset;arch=x86_64"]?.status == "PASS", "\(second.stderr.suffix(3000))")
        #expect(again["Good.test_reads_asset;arch=aarch64"]?.status == "PASS")
        #expect(["AvGood.test_small", "AvGood.test_flaky", "AvGood.test_big"].allSatisfy { again[$0]?.status == "PASS" }, "\(again)")
        let secondPushes = try Self.pushes(second.jobDir)
        #expect(Set(secondPushes.keys) == Set(firstPushes.keys))
        #expect(try Self.assetPush(second.jobDir) == ["h1": [0, 0, 3, h1Bytes], "h2": [0, 0, 1, size]])
        print("asset push (testbed): second job: " + secondPushes.sorted { $0.key < $1.key }
            .map { "\($0.key) pushed \($0.value.pushed) B, reused \($0.value.reused) B in \($0.value.reusedFiles) files" }.joined(separator: "; "))
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1)
        #expect(Self.gets(server, "/flaky.bin").count == 2 && Self.gets(server, "/big.bin").count == 1)

        // --dry-run asks each host's store: nothing left to push.
        let dry = try harness.run(["--dry-run"] + args)
        #expect(dry.stdout.contains("h1: would push up to 0 files, 0 bytes (as its tests need them); 3 already there"), "\(dry.stdout.suffix(2000))")
        #expect(dry.stdout.contains("h2: would push up to 0 files, 0 bytes (as its tests need them); 1 already there"), "\(dry.stdout.suffix(2000))")
    }
}
