import Foundation
import Testing

/// `qcoord run` over a 2-host netns testbed (`make check-asset-push`, prefix qcap, 10.231.28) whose
/// hosts cannot reach the local asset server (its 127.0.0.1 is not theirs): the coordinator
/// fetches the asset, pushes it to each host's store once (`~/.cache/qcoord/assets`), the
/// FUNCTIONAL test PASSes there from the store as QEMU's cache, a wrong hash SKIPs, and a
/// second job pushes nothing.
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
    static func makeTree(_ server: AssetServer) throws -> String {
        let root = try FunctionalAssetRunTests.makeTree(server)
        try "tests_x86_64_system_quick = [\n  'assets',\n]\ntests_aarch64_system_quick = [\n  'assets',\n]\n"
            .write(toFile: root + "/tests/functional/meson.build", atomically: true, encoding: .utf8)
        return root
    }

    /// "Class.method;arch=T" → (status, host).
    static func outcomes(_ outcome: RunHarness.Outcome) throws -> [String: (status: String, host: String)] {
        var out: [String: (String, String)] = [:]
        for t in (try RunHarness.results(outcome.jobDir)["tests"] as? [[String: Any]]) ?? [] {
            guard let name = t["name"] as? String, let colon = name.lastIndex(of: ":") else { continue }
            out[String(name[name.index(after: colon)...])] = (t["status"] as? String ?? "?", t["host"] as? String ?? "?")
        }
        return out
    }

    @Test("pushed once per host over SFTP; PASS on hosts that cannot reach the server; wrong hash SKIPs; a second job pushes nothing")
    func assetsArePushedToTheHosts() async throws {
        let state = try #require(ProcessInfo.processInfo.environment["QCOORD_ASSET_PUSH_TESTBED_DIR"])
        // The hosts' homes are the testbed's <state>/hN/home: start from empty stores.
        for host in ["h1", "h2"] { try? FileManager.default.removeItem(atPath: "\(state)/\(host)/home/.cache/qcoord/assets") }
        let server = try await AssetServer.start()
        let root = try Self.makeTree(server)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let cache = server.cacheDirectory("coordinator").path
        let args = ["--asset-cache", cache, "--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts",
                    root + "/tests/functional/test_assets.py"]

        let first = try harness.run(args)
        let outcomes = try Self.outcomes(first)
        #expect(outcomes.mapValues { $0.status } == [
            "Good.test_reads_asset;arch=x86_64": "PASS", "Missing.test_missing;arch=x86_64": "SKIP", "WrongHash.test_wrong;arch=x86_64": "SKIP",
            "Good.test_reads_asset;arch=aarch64": "PASS", "Missing.test_missing;arch=aarch64": "SKIP", "WrongHash.test_wrong;arch=aarch64": "SKIP",
        ], "\(first.stderr.suffix(3000))")
        // Each copy ran on the testbed host holding its target, which cannot reach 127.0.0.1's server.
        #expect(outcomes["Good.test_reads_asset;arch=x86_64"]?.host == "h1")
        #expect(outcomes["Good.test_reads_asset;arch=aarch64"]?.host == "h2")
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1)
        #expect(first.stderr.contains("ASSET PUSH :"), "\(first.stderr.suffix(2000))")
        let size = server.file("/small.bin").size
        let firstPushes = try Self.pushes(first.jobDir)
        #expect(Set(firstPushes.keys) == ["h1", "h2"], "\(firstPushes)")
        for (host, p) in firstPushes {
            #expect(p.files == 1 && p.pushed == size && p.reusedFiles == 0, "\(host): \(p)")
        }
        print("asset push (testbed): first job: " + firstPushes.sorted { $0.key < $1.key }
            .map { "\($0.key) pushed \($0.value.pushed) B in \($0.value.files) files, reused \($0.value.reused) B" }.joined(separator: "; "))

        // The first job's timing history is used: a second job whose other tests SKIP before the
        // start once stranded a Good copy (a kept-back test lent its empty host set to its group).
        let second = try harness.run(args)
        let again = try Self.outcomes(second)
        #expect(again["Good.test_reads_asset;arch=x86_64"]?.status == "PASS", "\(second.stderr.suffix(3000))")
        #expect(again["Good.test_reads_asset;arch=aarch64"]?.status == "PASS")
        let secondPushes = try Self.pushes(second.jobDir)
        #expect(Set(secondPushes.keys) == Set(firstPushes.keys))
        for (host, p) in secondPushes {
            #expect(p.files == 0 && p.pushed == 0 && p.reusedFiles == 1 && p.reused == size, "\(host): \(p)")
        }
        print("asset push (testbed): second job: " + secondPushes.sorted { $0.key < $1.key }
            .map { "\($0.key) pushed \($0.value.pushed) B, reused \($0.value.reused) B in \($0.value.reusedFiles) files" }.joined(separator: "; "))
        #expect(server.requests().filter { $0.path == "/small.bin" && $0.method == "GET" }.count == 1)

        // --dry-run asks each host's store: nothing left to push.
        let dry = try harness.run(["--dry-run"] + args)
        #expect(dry.stdout.components(separatedBy: "would push 0 files, 0 bytes; 1 already there").count == 3, "\(dry.stdout.suffix(2000))")
    }
}
