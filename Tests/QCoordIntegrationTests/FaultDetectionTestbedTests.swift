import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordRun
import Testing

/// Detection and rejoin on the namespace testbed (`make test-testbed`): a host whose every
/// process is stopped (SIGSTOP — a frozen host, which TCP cannot see) is lost within 10 s by
/// default, and a `qcoord run` re-runs its tests elsewhere and takes it back when it thaws.
@Suite(.serialized, .enabled(if: TestbedTests.namespaceMode, "needs the namespace testbed (QCOORD_TESTBED_DIR)"))
struct FaultDetectionTestbedTests {
    let state = ProcessInfo.processInfo.environment["QCOORD_TESTBED_DIR"] ?? ""
    let prefix = ProcessInfo.processInfo.environment["QCOORD_TESTBED_PREFIX"] ?? "qctb"

    /// Every process of host `index`'s network namespace (its sshd, agents and tests).
    func processes(ofHost index: Int) throws -> [pid_t] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "pids", "\(prefix)\(index)"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    func signal(host index: Int, _ sig: Int32) throws {
        for pid in try processes(ofHost: index) { kill(pid, sig) }
    }

    @Test func aFrozenHostIsLostWithinTenSecondsByDefault() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let host = try #require(inventory.host(named: "h3"))
        let log = JobLog(path: "/dev/null")
        let link = try await SSHAgentLinks.startOne(host, settings: SSHSettings(knownHostsFile: state + "/known_hosts"),
                                                    hello: .init(jobID: "frozen"), log: log)
        try signal(host: 3, SIGSTOP)
        defer { try? signal(host: 3, SIGCONT) }
        let frozen = ContinuousClock.now
        var reason: String?
        events: for await batch in link.events {
            for event in batch {
                if case .lost(let r) = event { reason = r; break events }
            }
        }
        let noticed = ContinuousClock.now - frozen
        print("testbed: frozen host noticed after \(noticed): \(reason ?? "-")")
        #expect(reason?.contains("no heartbeat") == true, "\(reason ?? "no lost event")")
        #expect(noticed < .seconds(10))
        #expect(noticed > .seconds(5), "lost before the idle limit: \(reason ?? "")")
        try signal(host: 3, SIGCONT)
        await link.shutdown(grace: .zero)
    }

    @Test func aRunReRunsAFrozenHostsTestsAndTakesTheHostBackWhenItThaws() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let tests = h.resultsDir + "-tests"
        try FileManager.default.createDirectory(atPath: tests, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tests) }
        for i in 1...30 {
            let path = tests + "/sleep\(i).sh"
            try "#!/bin/sh\necho start \(i)\nsleep 4\necho done \(i)\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        let events = h.resultsDir + "-events.ndjson"
        defer { try? FileManager.default.removeItem(atPath: events) }
        let run = try h.start(["--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts",
                               "--json-events", events, tests])
        // h2 freezes with tests in flight (its first test_started event) and thaws 11 s later
        // (after it is lost, before the job ends).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(where: { $0.contains("\"test_started\"") && $0.contains("\"host\":\"h2\"") }) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Thread.sleep(forTimeInterval: 0.5)
        try signal(host: 2, SIGSTOP)
        let frozeAt = Date()
        Thread.sleep(forTimeInterval: 11)
        try signal(host: 2, SIGCONT)
        let o = h.finish(run)
        #expect(o.status == 0, "\(o.stdout)\n\(o.stderr)")

        let results = try RunHarness.results(o.jobDir)
        let all = try #require(results["tests"] as? [[String: Any]])
        #expect(all.count == 30)
        #expect(all.allSatisfy { $0["status"] as? String == "PASS" })
        let rerun = all.filter { ($0["attempts"] as? [[String: Any]])?.count == 2 }
        #expect(!rerun.isEmpty)
        for t in rerun {
            let attempts = try #require(t["attempts"] as? [[String: Any]])
            #expect(attempts[0]["host"] as? String == "h2")
            #expect((attempts[0]["fail_reason"] as? String)?.contains("host h2 lost: no heartbeat") == true)
        }
        // One result per test, though the frozen agent's tests finished after it thawed.
        let journal = try String(contentsOfFile: o.jobDir + "/jobdata/journal.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 30)

        let log = try String(contentsOfFile: o.jobDir + "/job.log", encoding: .utf8)
        let lostLine = try #require(log.split(separator: "\n").first { $0.contains("host h2 lost:") })
        #expect(log.contains("host h2 is back"))
        // job.log's time stamps: `2026-11-22 05:39:49,023`, local time.
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
        let lostAt = try #require(formatter.date(from: String(lostLine.prefix(23))))
        let detection = lostAt.timeIntervalSince(frozeAt)
        print("testbed: qcoord run noticed the frozen h2 after \(detection) s")
        #expect(detection > 0 && detection < 10)
        // It ran tests again after it came back.
        let backAt = try #require(log.split(separator: "\n").first { $0.contains("host h2 is back") }
            .flatMap { formatter.date(from: String($0.prefix(23))) })
        let h2After = all.filter { $0["host"] as? String == "h2" && ($0["actual_time_start"] as? Double ?? 0) > backAt.timeIntervalSince1970 }
        #expect(!h2After.isEmpty)
    }
}
