import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `qcoord run --slurm` on the Slurm testbed (deploy/testbed/slurm.sh; `make check-slurm` brings
/// it up with prefix qcsl on 10.231.29 and takes it down): slurmctld here, one slurmd per netns
/// host, each node seeing only its host's qemu-system-* and carrying them as `qemu-*` features.
/// The same job over SSH and over Slurm gives the same statuses on the same hosts; a node set
/// DOWN mid-run loses no result; `scancel` of the allocation gives a full report and exit 8.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_SLURM_DIR"] != nil,
                             "set QCOORD_SLURM_DIR to a Slurm testbed's state dir (make check-slurm)"))
struct SlurmRunTests {
    static let state = ProcessInfo.processInfo.environment["QCOORD_SLURM_DIR"] ?? ""
    static var slurmConf: String { state + "/slurm/slurm.conf" }
    static var environment: [String: String] { ["SLURM_CONF": slurmConf] }
    /// The nodes' python: the testbed's (a venv with Avocado, as the SSH hosts').
    static var python: String {
        ProcessInfo.processInfo.environment["QCOORD_TESTBED_PYTHON"] ?? RunHarness.venv("113") + "/bin/python"
    }

    /// An inventory with only a `slurm:` section.
    static func slurmInventory(_ extra: String = "") throws -> String {
        let path = NSTemporaryDirectory() + "qcoord-slurm-\(UUID().uuidString).yaml"
        try "slurm:\n  python: \(python)\n\(extra)".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func scontrol(_ args: [String]) throws -> (status: Int32, out: String) {
        let r = try Shell.run("/usr/bin/env", args, environment: environment)
        return (r.status, r.output)
    }

    /// SIMPLE tests that sleep `seconds` and need no QEMU: every node can run each of them.
    static func sleepers(_ count: Int, seconds: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-slurm-suite-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 1...count {
            let path = dir + "/sleep_\(i).sh"
            try "#!/bin/sh\necho \"on $(hostname) $SLURM_JOB_ID\"\nsleep \(seconds)\necho done\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        return dir
    }

    /// Waits until the running job's job.log has `count` lines containing `text`; the log's text.
    static func waitForLog(_ harness: RunHarness, _ text: String, count: Int = 1, seconds: Double = 90) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var log = ""
        while Date() < deadline {
            if let latest = try? FileManager.default.destinationOfSymbolicLink(atPath: harness.resultsDir + "/latest"),
               let data = FileManager.default.contents(atPath: harness.resultsDir + "/" + latest + "/job.log") {
                log = String(decoding: data, as: UTF8.self)
                if log.components(separatedBy: text).count - 1 >= count { return log }
            }
            usleep(200_000)
        }
        return log
    }

    static func tests(_ jobDir: String) throws -> [[String: Any]] {
        (try RunHarness.results(jobDir)["tests"] as? [[String: Any]]) ?? []
    }

    static func byName(_ tests: [[String: Any]]) -> [String: [String: Any]] {
        Dictionary(tests.map { (($0["name"] as? String) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func sameStatusesAndHostsAsOverSSH() throws {
        let arch = "x86_64,aarch64,ppc64"
        let suite = RunHarness.repoRoot.appendingPathComponent("examples/tests").path
        let ssh = try RunHarness(resultsDir: ReportJob.artifacts + "/slurm-compare-ssh")
        let overSSH = try ssh.run(["--inventory", Self.state + "/inventory.yaml", "--known-hosts", Self.state + "/known_hosts",
                                   "--arch", arch, suite])
        let slurm = try RunHarness(resultsDir: ReportJob.artifacts + "/slurm-compare-slurm")
        let inventory = try Self.slurmInventory()
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        let overSlurm = try slurm.run(["--slurm", "--inventory", inventory, "--arch", arch, suite], environment: Self.environment)
        #expect(overSlurm.status == overSSH.status, "\(overSlurm.stdout)\n\(overSlurm.stderr)")

        let sshTests = Self.byName(try Self.tests(overSSH.jobDir))
        let slurmTests = try Self.tests(overSlurm.jobDir)
        #expect(slurmTests.count == sshTests.count && slurmTests.count >= 10, "\(slurmTests.count) vs \(sshTests.count)")
        var ran = 0
        for t in slurmTests {
            let name = t["name"] as? String ?? ""
            let other = try #require(sshTests[name], "\(name) is not in the SSH job")
            #expect(t["status"] as? String == other["status"] as? String, "\(name): \(t["status"] ?? "-") vs \(other["status"] ?? "-")")
            // Every binary is on one host only: the same host runs the test either way, with its binary.
            #expect(t["host"] as? String == other["host"] as? String, "\(name)")
            if let bin = t["qemu_bin"] as? String, let testArch = t["arch"] as? String {
                #expect(bin.hasSuffix("qemu-system-" + testArch), "\(name): \(bin) for \(testArch)")
                ran += 1
            }
        }
        #expect(ran >= 6, "tests with a qemu binary: \(ran)")
        // The job log tells the allocation and its release; Slurm knows it no more as running.
        let log = String(decoding: FileManager.default.contents(atPath: overSlurm.jobDir + "/job.log") ?? Data(), as: UTF8.self)
        #expect(log.contains("slurm: job ") && log.contains(" released"), "\(log.suffix(2000))")
        // Each node got the tree through Slurm steps, into its own cache (its own home here).
        for node in ["h1", "h2", "h3"] {
            #expect(log.contains("host \(node): test tree ") && log.contains("synced to /root/.cache/qcoord/trees/"), "\(log.suffix(3000))")
            #expect(FileManager.default.fileExists(atPath: Self.state + "/\(node)/home/.cache/qcoord/trees"), "\(node)")
        }
        let queue = try Self.scontrol(["squeue", "-h", "-t", "R", "-o", "%j"])
        #expect(!queue.out.contains("qcoord-"), "still running: \(queue.out)")
    }

    /// Assets reach Slurm nodes through job steps as they reach SSH hosts over SFTP: the nodes
    /// cannot reach the server (its 127.0.0.1 is not theirs); the coordinator fetches each asset
    /// once, the node running the tests gets each once, into its own store, and Avocado finds
    /// them there; a second job sends nothing.
    @Test func assetsArePushedThroughSlurmSteps() async throws {
        for node in ["h1", "h2", "h3"] { try? FileManager.default.removeItem(atPath: Self.state + "/\(node)/home/.cache/qcoord/assets") }
        let server = try await AssetServer.start(bigMiB: 4)
        let small = server.file("/small.bin"), big = server.file("/big.bin")
        let dir = NSTemporaryDirectory() + "qcoord-slurm-assets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            import hashlib
            from avocado import Test


            class Assets(Test):
                def test_small(self):
                    path = self.fetch_asset('\(server.url("/small.bin"))', asset_hash='\(small.sha256)', algorithm='sha256')
                    with open(path, 'rb') as f:
                        self.assertEqual(hashlib.sha256(f.read()).hexdigest(), '\(small.sha256)')

                def test_big(self):
                    path = self.fetch_asset('big.bin', asset_hash='\(big.sha1)', locations=['\(server.url("/big.bin"))'])
                    with open(path, 'rb') as f:
                        self.assertEqual(hashlib.sha1(f.read()).hexdigest(), '\(big.sha1)')

                def test_small_again(self):
                    self.fetch_asset('\(server.url("/small.bin"))', asset_hash='\(small.sha256)', algorithm='sha256')

            """.write(toFile: dir + "/test_assets.py", atomically: true, encoding: .utf8)
        let inventory = try Self.slurmInventory()
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        let harness = try RunHarness(resultsDir: ReportJob.artifacts + "/slurm-assets")
        let args = ["--slurm", "--inventory", inventory, "--asset-cache", server.cacheDirectory("coordinator").path, dir + "/test_assets.py"]
        let first = try harness.run(args, environment: Self.environment)
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr.suffix(3000))")
        let tests = try Self.tests(first.jobDir)
        #expect(tests.map { $0["status"] as? String } == ["PASS", "PASS", "PASS"], "\(tests.map { $0["fail_reason"] ?? "" })")
        let hosts = Set(tests.compactMap { $0["host"] as? String })
        #expect(hosts == ["h1"], "arch-neutral Avocado tests run where qemu-system-x86_64 is: \(hosts)")
        let push = (try RunHarness.results(first.jobDir)["asset_push"] as? [[String: Any]]) ?? []
        let h1 = try #require(push.first { $0["host"] as? String == "h1" }, "\(push)")
        #expect(h1["pushed_files"] as? Int == 2 && h1["pushed_bytes"] as? Int == small.size + big.size, "\(h1)")
        #expect(FileManager.default.fileExists(atPath: Self.state + "/h1/home/.cache/qcoord/assets/sha256/\(small.sha256)"))
        #expect(FileManager.default.fileExists(atPath: Self.state + "/h1/home/.cache/qcoord/assets/sha1/\(big.sha1)"))
        #expect(server.requests().filter { $0.method == "GET" }.count == 2, "the coordinator fetched each once; no node did")

        let second = try harness.run(args, environment: Self.environment)
        #expect(second.status == 0, "\(second.stderr.suffix(2000))")
        let again = (try RunHarness.results(second.jobDir)["asset_push"] as? [[String: Any]]) ?? []
        let h1Again = try #require(again.first { $0["host"] as? String == "h1" }, "\(again)")
        #expect(h1Again["pushed_files"] as? Int == 0 && h1Again["reused_files"] as? Int == 2, "\(h1Again)")
        #expect(server.requests().filter { $0.method == "GET" }.count == 2)
    }
}
