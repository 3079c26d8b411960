import Foundation
import QCoordCore
import QCoordRun
import Testing

/// `qcoord run --inventory` on a 3-host testbed with disjoint qemu-system binaries
/// (`make test-multihost` brings it up with prefix qcmh on 10.231.9 and tears it down):
/// routing by the hosts' `ready` reports, CANCEL/ERROR before the job starts, host-key
/// refusals, an unreachable host while the others finish the job.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_MULTIHOST_DIR"] != nil,
                             "set QCOORD_MULTIHOST_DIR to a testbed's state dir (make test-multihost)"))
struct MultiHostRunTests {
    let state = ProcessInfo.processInfo.environment["QCOORD_MULTIHOST_DIR"] ?? ""
    var inventoryFile: String { state + "/inventory.yaml" }
    var knownHosts: String { state + "/known_hosts" }

    /// examples/tests plus a test needing s390x and a SIMPLE test, in a fresh directory.
    static func makeSuite() throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-mh-suite-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.copyItem(atPath: RunHarness.repoRoot.appendingPathComponent("examples/tests").path, toPath: dir)
        let fixtures = RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/multihost").path
        for name in try fm.contentsOfDirectory(atPath: fixtures) {
            try fm.copyItem(atPath: fixtures + "/" + name, toPath: dir + "/" + name)
        }
        return dir
    }

    static func tests(_ results: [String: Any]) -> [[String: Any]] { (results["tests"] as? [[String: Any]]) ?? [] }

    /// The job of `makeSuite()` across h1–h3, run once per test process and shared by the tests
    /// that read it. Kept under build/artifacts/multihost-job so a person can open its results.html.
    static let sharedJob: Result<RunHarness.Outcome, any Error> = Result {
        let state = ProcessInfo.processInfo.environment["QCOORD_MULTIHOST_DIR"] ?? ""
        let suite = try MultiHostRunTests.makeSuite()
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let harness = try RunHarness(resultsDir: ReportJob.artifacts + "/multihost-job")
        return try harness.run(["--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts", suite])
    }

    /// Each host's `ready` binaries (normalized arch names), straight from the agents.
    func readyBinaries() async throws -> [String: Set<String>] {
        let inventory = try InventoryLoader.load(path: inventoryFile)
        let log = JobLog(path: "/dev/null")
        let started = await SSHAgentLinks.start(inventory, settings: SSHSettings(knownHostsFile: knownHosts),
                                                hello: .init(jobID: "mh"), log: log)
        var out: [String: Set<String>] = [:]
        for (host, result) in started {
            let link = try result.get()
            out[host.name] = Set(link.capabilities.qemu.keys.map(ArchName.normalize))
            await link.shutdown(grace: .seconds(5))
        }
        return out
    }

    @Test func everyTestRunsOnAHostWithItsBinary() async throws {
        let binaries = try await readyBinaries()
        #expect(binaries.count == 3)
        let all = binaries.values.flatMap { $0 }
        #expect(Set(all).count == all.count, "ready reports overlap: \(binaries)")
        #expect(binaries["h1"]?.contains("x86_64") == true && binaries["h2"]?.contains("aarch64") == true
                && binaries["h3"]?.contains("ppc") == true, "\(binaries)")

        let out = try Self.sharedJob.get()
        // The s390x test is a CANCEL: not a failure of the job.
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        let cancelLine = try #require(out.stderr.split(separator: "\n").first { $0.contains("S390xQMP") },
                                      "\(out.stderr)")
        #expect(cancelLine.contains("CANCEL before the job starts") && cancelLine.contains("qemu-system-s390x"))

        let tests = Self.tests(try RunHarness.results(out.jobDir))
        #expect(tests.count == 13)
        var hostsUsed = Set<String>()
        for t in tests {
            let name = t["name"] as? String ?? ""
            let status = t["status"] as? String
            if name.contains("S390xQMP") {
                #expect(status == "CANCEL")
                #expect((t["fail_reason"] as? String)?.contains("qemu-system-s390x") == true, "\(t)")
                #expect((t["fail_reason"] as? String)?.contains("h1 (x86_64") == true, "\(t)")
                continue
            }
            #expect(status == "PASS" || (status == "SKIP" && name.contains("MachineHelp")), "\(name): \(t)")
            let host = try #require(t["host"] as? String, "\(name) has no host")
            hostsUsed.insert(host)
            let logdir = try #require(t["logdir"] as? String)
            #expect(FileManager.default.fileExists(atPath: logdir + "/debug.log"), "\(name)")
            guard let bin = t["qemu_bin"] as? String, status == "PASS", t["arch"] as? String != nil, name.contains(".py:") else { continue }
            // The binary it ran with is one its host reported: never a wrong host.
            let arch = String(bin.split(separator: "-").last ?? "")
            #expect(binaries[host]?.contains(ArchName.normalize(arch)) == true, "\(name) ran on \(host) with \(bin)")
            #expect(t["arch"] as? String == ArchName.normalize(arch), "\(t)")
            // Logs came back over SSH: the whiteboard and Avocado's debug.log of the real test.
            let debug = try String(contentsOfFile: logdir + "/debug.log", encoding: .utf8)
            #expect(debug.contains("qemu-system-\(arch)") || debug.contains("QEMU"), "\(name): \(debug.prefix(300))")
            #expect(FileManager.default.fileExists(atPath: logdir + "/whiteboard"), "\(name)")
        }
        #expect(hostsUsed == ["h1", "h2", "h3"])
        let simple = try #require(tests.first { ($0["name"] as? String)?.hasSuffix("simple_where.sh") == true })
        let stdout = try String(contentsOfFile: (simple["logdir"] as? String ?? "") + "/stdout", encoding: .utf8)
        #expect(stdout.contains("simple ran in /root/.cache/qcoord/trees/"), "\(stdout)")
        let jobLog = try String(contentsOfFile: out.jobDir + "/job.log", encoding: .utf8)
        #expect(jobLog.contains("CANCEL before the job starts"))
        #expect(out.stdout.contains("TREE SYNC  :"))
    }

    /// The shared job's results.html in headless Chromium (when QCOORD_CHROMIUM names it, as
    /// `make test-multihost` does): a timeline lane per host with one bar per test that ran, each
    /// on its host's lane, and a row per test with its host. Screenshot in
    /// build/artifacts/results-html-multihost.png.
    @Test(.enabled(if: Chromium.isConfigured, "set QCOORD_CHROMIUM to a chromium binary"))
    func resultsHTMLInChromium() throws {
        let out = try Self.sharedJob.get()
        let tests = Self.tests(try RunHarness.results(out.jobDir))
        let ran = tests.filter { ($0["attempts"] as? [Any])?.isEmpty == false }
        #expect(tests.count == 13 && !ran.isEmpty)
        let url = Chromium.url(out.jobDir + "/results.html")
        let dom = try Chromium.dumpDOM(url)
        #expect(dom.status == 0, "\(dom.stderr)")
        let html = dom.stdout
        // Set by the page's script once the filter went over every row and bar.
        #expect(html.contains("data-ready=\"1\""), "\(html.prefix(400))")

        // One lane per host (a host with several slots labels its lanes "h1 #1", "h1 #2", …).
        let labels = html.components(separatedBy: "<text class=\"lanelabel\"").dropFirst()
            .compactMap { $0.split(separator: ">", maxSplits: 1).last?.split(separator: "<").first.map(String.init) }
        let laneHosts = labels.map { String($0.split(separator: " ").first ?? "") }
        #expect(Set(laneHosts) == ["h1", "h2", "h3"], "\(labels)")

        // One bar per test that ran, on its host: the bar's tooltip ends "… s on <host>".
        let bars = html.components(separatedBy: "<rect class=\"bar\"").dropFirst()
            .map { $0.components(separatedBy: "</rect>").first ?? "" }
        #expect(bars.count == ran.count)
        for host in ["h1", "h2", "h3"] {
            let ranHere = ran.filter { $0["host"] as? String == host }.count
            #expect(ranHere > 0)
            #expect(bars.filter { $0.contains(" s on \(host)<") || $0.contains(" s on \(host)\n") }.count == ranHere, "\(host)")
        }

        // One row per test, with its host in the Host column (empty for the CANCEL that never ran).
        let rows = html.components(separatedBy: "<tr id=\"t").dropFirst()
        #expect(rows.count == tests.count)
        for t in tests {
            let id = t["id"] as? String ?? ""
            let row = try #require(rows.first { $0.contains(">\(id)</td>") }, "no row for \(id)")
            let host = t["host"] as? String ?? "", status = t["status"] as? String ?? ""
            #expect(row.contains(">\(status)</td><td>\(host)</td><td>"), "\(id) on \(host): \(row.prefix(300))")
        }

        let png = try Chromium.screenshot(url, name: "results-html-multihost.png")
        #expect(png.count > 20_000 && Chromium.isPNG(png))
    }

    @Test func dryRunPrintsThePlan() throws {
        let suite = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(["--inventory", inventoryFile, "--known-hosts", knownHosts, "--dry-run", suite])
        #expect(out.status == 0, "\(out.stderr)")
        // Each host with the exact binary the test will run there.
        #expect(out.stdout.contains("X86QMP.test_query_version -> h1 (/"), "\(out.stdout)")
        #expect(out.stdout.contains("AArch64VirtQMP.test_query_cpus -> h2 (/"))
        #expect(out.stdout.contains("OpenBIOSConsole.test_openbios_banner -> h3 (/"))
        #expect(out.stdout.contains("simple_where.sh -> h1, h2, h3\n"))
        #expect(out.stdout.contains("S390xQMP.test_query_version -> none: CANCEL"))
        #expect(!FileManager.default.fileExists(atPath: harness.resultsDir + "/latest"), "a dry run made a job")
    }

    /// What `--dry-run` shows is what runs: over every example with `--arch x86_64,aarch64,ppc64`
    /// and a per-arch parameter, each result's host is one the plan listed for it and its binary
    /// the one the plan named there; the plan the run followed (jobdata/plan.json) is the dry run's.
    @Test func theRunFollowsTheDryRunPlan() throws {
        let suite = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let planFile = harness.resultsDir + "/plan.json"
        let args = ["--inventory", inventoryFile, "--known-hosts", knownHosts, "--arch", "x86_64,aarch64,ppc64",
                    "-p", "aarch64:timeout=77", suite]
        let dry = try harness.run(["--dry-run", "--plan-json", planFile] + args)
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any])
        let tasks = try #require(plan["tasks"] as? [[String: Any]])
        let unplaceable = try #require(plan["unplaceable"] as? [[String: Any]])
        #expect(tasks.count > 20, "\(tasks.count) tasks")
        var planned: [String: [String: String?]] = [:]
        for t in tasks {
            let hosts = try #require(t["hosts"] as? [[String: Any]])
            planned[t["name"] as? String ?? ""] = Dictionary(uniqueKeysWithValues: hosts.map {
                ($0["host"] as? String ?? "", $0["qemu_bin"] as? String)
            })
            // -p aarch64:timeout=77 reaches the aarch64 copies only.
            let name = t["name"] as? String ?? ""
            #expect((t["timeout"] as? Double == 77) == (t["arch"] as? String == "aarch64"), "\(name): \(t)")
        }

        let run = try harness.run(args)
        let results = Self.tests(try RunHarness.results(run.jobDir))
        #expect(results.count == tasks.count + unplaceable.count)
        var ran = 0
        for r in results {
            let name = r["name"] as? String ?? ""
            guard let host = r["host"] as? String else {
                #expect(unplaceable.contains { $0["name"] as? String == name }, "\(name) did not run but was planned")
                continue
            }
            ran += 1
            let hosts = try #require(planned[name], "\(name) ran on \(host) but the plan has no task for it")
            #expect(hosts.keys.contains(host), "\(name) ran on \(host), the plan listed \(hosts.keys.sorted())")
            #expect(hosts[host] == .some(r["qemu_bin"] as? String), "\(name) on \(host): \(r["qemu_bin"] ?? "nil") vs plan \(String(describing: hosts[host]))")
            #expect(r["status"] as? String != "CANCEL", "\(name): \(r["fail_reason"] ?? "")")
        }
        #expect(ran == tasks.count)
        let followed = try Data(contentsOf: URL(fileURLWithPath: run.jobDir + "/jobdata/plan.json"))
        #expect(followed == (try Data(contentsOf: URL(fileURLWithPath: planFile))))
    }

    @Test func unknownHostKeyIsRefused() throws {
        let empty = NSTemporaryDirectory() + "qcoord-mh-kh-\(UUID().uuidString)"
        try Data().write(to: URL(fileURLWithPath: empty))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(["--inventory", inventoryFile, "--known-hosts", empty,
                                   RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/multihost/simple_where.sh").path])
        // No host at all: the job fails (exit 2) with one line per host, not an ERROR per test.
        #expect(out.status == 2, "\(out.stdout)\(out.stderr)")
        for host in ["h1", "h2", "h3"] {
            #expect(out.stderr.contains("host \(host) unreachable: host \(host)"), "\(out.stderr)")
        }
        #expect(out.stderr.contains("host key not known (SHA256:") && out.stderr.contains("--accept-new-host-keys"), "\(out.stderr)")
        #expect(out.stderr.contains("no host could be reached (3 of 3 unreachable)"), "\(out.stderr)")
        // Nothing was recorded without the flag.
        #expect((try Data(contentsOf: URL(fileURLWithPath: empty))).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.jobDir + "/results.json"))
    }

    /// h1's recorded key replaced by another host's: refused even with --accept-new-host-keys;
    /// h2 and h3 run their tests; h1's x86_64 tests end ERROR naming h1.
    @Test func changedHostKeyIsRefusedEvenWithAcceptNew() throws {
        let lines = try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n").map(String.init)
        let inventory = try InventoryLoader.load(path: inventoryFile)
        let h1 = try #require(inventory.host(named: "h1")), h2 = try #require(inventory.host(named: "h2"))
        let h2Key = try #require(lines.first { $0.hasPrefix(h2.address + " ") }).split(separator: " ").dropFirst().joined(separator: " ")
        let tampered = lines.map { $0.hasPrefix(h1.address + " ") ? "\(h1.address) \(h2Key)" : $0 }.joined(separator: "\n") + "\n"
        let file = NSTemporaryDirectory() + "qcoord-mh-kh-\(UUID().uuidString)"
        try tampered.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let suite = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(["--inventory", inventoryFile, "--known-hosts", file, "--accept-new-host-keys",
                                   suite + "/test_qmp.py", suite + "/simple_where.sh"])
        #expect(out.stderr.contains("host h1 unreachable: host h1") && out.stderr.contains("host key changed (SHA256:"), "\(out.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == tampered, "known_hosts was rewritten")
        for t in Self.tests(try RunHarness.results(out.jobDir)) {
            let name = t["name"] as? String ?? ""
            if name.contains("X86QMP") {
                #expect(t["status"] as? String == "ERROR")
                #expect((t["fail_reason"] as? String)?.contains("h1 could not be reached") == true, "\(t)")
            } else {
                #expect(t["status"] as? String == "PASS", "\(t)")
                #expect(t["host"] as? String != "h1")
            }
        }
    }

    /// A 4th host with no sshd: reported (stderr, job.log) while h1–h3 finish the job; only
    /// the test no reachable host could run (s390x) ends ERROR naming it.
    @Test func unreachableHostIsReportedWhileTheOthersFinish() throws {
        let inventory = NSTemporaryDirectory() + "qcoord-mh-inv-\(UUID().uuidString).yaml"
        let text = try String(contentsOfFile: inventoryFile, encoding: .utf8)
        try (text + "  - name: h4\n    address: 127.0.0.1\n    port: 1\n").write(toFile: inventory, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        let suite = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(atPath: suite) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(["--inventory", inventory, "--known-hosts", knownHosts, "--connect-timeout", "3",
                                   suite + "/test_qmp.py", suite + "/test_s390x.py", suite + "/simple_where.sh"])
        #expect(out.stderr.contains("host h4 unreachable: host h4") && out.stderr.contains("connection refused"), "\(out.stderr)")
        let jobLog = try String(contentsOfFile: out.jobDir + "/job.log", encoding: .utf8)
        #expect(jobLog.contains("host h4 unreachable"))
        var passed = 0
        for t in Self.tests(try RunHarness.results(out.jobDir)) {
            let name = t["name"] as? String ?? ""
            if name.contains("S390xQMP") {
                #expect(t["status"] as? String == "ERROR")
                #expect((t["fail_reason"] as? String)?.contains("h4 could not be reached") == true, "\(t)")
            } else {
                #expect(t["status"] as? String == "PASS", "\(t)")
                if t["status"] as? String == "PASS" { passed += 1 }
            }
        }
        #expect(passed == 7)
    }
}
