import Foundation
import Testing
import QCoordCore
import QCoordReport
@testable import QCoordRun

/// The coordinator's fault handling with in-process links whose faults are scripted: retries,
/// flaky results, lost hosts that come back, late messages, give-up and quarantine.
@Suite struct CoordinatorFaultTests {
    typealias Harness = CoordinatorTests.Harness

    static func coordinator(_ h: Harness, _ names: [String], links: [Coordinator.HostLink], config: RunConfiguration,
                            reconnect: Coordinator.Reconnect? = nil) -> Coordinator {
        Coordinator(tests: CoordinatorTests.tests(names), links: links, directory: h.directory, recorder: h.recorder,
                    log: h.log, config: config, console: h.console.console, reconnect: reconnect)
    }

    static func summary(_ results: [TestResult]) -> JobSummary {
        JobSummary(jobID: String(repeating: "c", count: 40), jobDir: "/j", jobName: "j", start: "", timestamp: "",
                   jobTime: 1, tests: results, interruption: nil)
    }

    @Test func aFailedTestIsRetriedOnAnotherHostAndCountedFlaky() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let h1 = FakeAgentLink(host: "h1") { _ in .finish(.fail, "boom", output: "first try\n") }
        let h2 = FakeAgentLink(host: "h2") { _ in .finish(.pass, nil, output: "second try\n") }
        var config = RunConfiguration(workdir: "/w")
        config.retries = 1
        let c = Self.coordinator(h, ["t1"], links: [.init(link: h1, slots: 1), .init(link: h2, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.pass])
        #expect(results[0].attempts.map(\.host) == ["h1", "h2"])
        #expect(results[0].attempts.map(\.status) == [.fail, .pass])
        #expect(results[0].attempts[0].failReason == "boom")
        #expect(results[0].flaky == true)
        // Each dispatch has its own task id.
        #expect(h1.received.map(\.taskID) == ["1.1"])
        #expect(h2.received.map(\.taskID) == ["1.2"])
        // The test dir holds the last attempt, attempt-1/ the first.
        let dir = results[0].logdir
        #expect(String(decoding: FileManager.default.contents(atPath: dir + "/stdout") ?? Data(), as: UTF8.self) == "second try\n")
        #expect(String(decoding: FileManager.default.contents(atPath: dir + "/attempt-1/stdout") ?? Data(), as: UTF8.self) == "first try\n")
        #expect(FileManager.default.fileExists(atPath: dir + "/attempt-1/debug.log"))
        // Reports count it.
        let summary = Self.summary(results)
        #expect(summary.flakyTests.map(\.uid) == [1])
        #expect(HumanRenderer.footer(summary, htmlPath: nil).contains("FLAKY      : 1 passed on a retry: 1-t1"))
        let json = ResultsJSONRenderer.render(summary)
        #expect(json.contains("\"flaky\": true"))
        #expect(json.contains("\"flaky\": 1"))
        #expect(ResultsXMLRenderer.render(summary).contains("<flakyFailure"))
        #expect(ResultsHTMLRenderer.render(summary).contains("FLAKY 1"))
        #expect(JobEventJSONRenderer.line(.testFinished(results[0], time: 1)).contains("\"flaky\":true"))
        // The journal keeps the flag.
        #expect(try JobRecorder.read(path: h.recorder.path).first?.flaky == true)
    }

    @Test func retriesExhaustedTheLastAttemptDecides() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink(host: "h1") { _ in .finish(.error, "broken", output: "x\n") }
        var config = RunConfiguration(workdir: "/w")
        config.retries = 2
        let c = Self.coordinator(h, ["t1"], links: [.init(link: link, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.error])
        #expect(results[0].attempts.count == 3)
        #expect(results[0].flaky == nil)
        #expect(link.received.map(\.taskID) == ["1.1", "1.2", "1.3"])
        let dir = results[0].logdir
        #expect(FileManager.default.fileExists(atPath: dir + "/attempt-1/stdout"))
        #expect(FileManager.default.fileExists(atPath: dir + "/attempt-2/stdout"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/attempt-3"))
        #expect(!HumanRenderer.footer(Self.summary(results), htmlPath: nil).contains("FLAKY"))
    }

    @Test func failfastWaitsForTheRetriesAndNothingElseRuns() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink(host: "h1") { name in name == "bad" ? .finish(.fail, "no", output: "") : .finish(.pass, nil) }
        var config = RunConfiguration(workdir: "/w")
        config.retries = 1
        config.failfast = true
        let c = Self.coordinator(h, ["bad", "b", "c"], links: [.init(link: link, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.fail, .skip, .skip])
        #expect(results[0].attempts.count == 2)
        #expect(link.received.map(\.name) == ["bad", "bad"])
    }

    @Test func noRetryAfterAnInterrupt() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink(host: "h1") { _ in .finishAfter(0.4, .fail, "late fail") }
        var config = RunConfiguration(workdir: "/w")
        config.retries = 3
        let c = Self.coordinator(h, ["t1", "t2"], links: [.init(link: link, slots: 1)], config: config)
        let run = Task { await c.run() }
        try await Task.sleep(for: .milliseconds(100))
        await c.userInterrupt()
        let results = await run.value
        // The signal cancels the running test; this one reports its FAIL anyway, and no retry starts.
        #expect(results.map(\.status) == [.fail, .skip])
        #expect(results[0].attempts.count == 1)
        #expect(link.runCount == 1)
    }

    @Test func aLostHostRejoinsAndLateMessagesOfItsEarlierAttemptAreDropped() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let first = FakeAgentLink(host: "h1") { _ in .die }
        let second = FakeAgentLink(host: "h1") { _ in .finish(.pass, nil, output: "new\n") }
        let calls = Counter()
        let c = Self.coordinator(h, ["t1", "t2"], links: [.init(link: first, slots: 1)], config: RunConfiguration(workdir: "/w"),
                                 reconnect: { host in
                                     #expect(host == "h1")
                                     calls.add()
                                     // The frozen agent's last words arrive after the host is back.
                                     second.inject(.message(.output(.init(taskID: "1.1", stream: "stdout",
                                                                          dataB64: Data("stale\n".utf8).base64EncodedString()))))
                                     second.inject(.message(.finished(.init(taskID: "1.1", status: .fail, failReason: "stale", timeS: 1))))
                                     return second
                                 })
        let results = await c.run()
        #expect(calls.value == 1)
        #expect(results.map(\.status) == [.pass, .pass])
        #expect(results[0].attempts.map(\.host) == ["h1", "h1"])
        #expect(results[0].attempts.map(\.status) == [.error, .pass])
        #expect(results[0].attempts[0].failReason?.contains("host h1 lost: agent crashed") == true)
        #expect(second.received.map(\.taskID) == ["1.2", "2.1"])
        let stdout = String(decoding: FileManager.default.contents(atPath: results[0].logdir + "/stdout") ?? Data(), as: UTF8.self)
        #expect(stdout == "new\n")
        #expect(try JobRecorder.read(path: h.recorder.path).count == 2)
        let log = String(decoding: FileManager.default.contents(atPath: h.directory.jobLog) ?? Data(), as: UTF8.self)
        #expect(log.contains("\"1.1\" ignored"))
        #expect(log.contains("host h1 is back"))
        #expect(await c.currentLinks.count == 1)
    }

    @Test func testsOnlyALostHostCouldRunWaitForItThenEndErrorAfterTheGiveUp() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink(host: "h1") { _ in .die }
        var config = RunConfiguration(workdir: "/w")
        config.hostGiveUp = 0.6
        let began = ContinuousClock.now
        let c = Self.coordinator(h, ["t1", "t2"], links: [.init(link: link, slots: 1)], config: config,
                                 reconnect: { host in throw RunError.hostUnreachable(host: host, reason: "connection refused") })
        let results = await c.run()
        let took = ContinuousClock.now - began
        #expect(took >= .milliseconds(600))
        // Far below the reconnect loop's forever; loose, as a loaded machine delays tasks.
        #expect(took < .seconds(120), "waited for something else than the give-up")
        #expect(results.map(\.status) == [.error, .error])
        for r in results {
            #expect(r.failReason?.contains("host h1 lost: agent crashed; not back within 0.6 s") == true, "\(r.failReason ?? "")")
        }
        #expect(results[0].attempts.count == 1)
        #expect(results[1].ran == false)
    }

    /// While a lost host is retried, only the tests it alone could run wait; the others go on
    /// elsewhere. The plan stands: a host that comes back without the binary the plan named for
    /// a waiting test gets it and refuses it (CANCEL with why), as the agent does.
    @Test func onlyTestsTheLostHostAloneCouldRunWaitAndAreRefusedIfItComesBackWithoutTheirBinary() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let h1 = FakeAgentLink(host: "h1", qemu: ["x86_64", "aarch64"]) { _ in .die }
        let h2 = FakeAgentLink(host: "h2", qemu: ["x86_64"]) { _ in .finish(.pass, nil) }
        let back = FakeAgentLink(host: "h1", qemu: ["x86_64"]) { _ in .finish(.pass, nil) }
        func t(_ name: String, _ arch: String) -> TestCase {
            TestCase(kind: .instrumented, name: name, uri: "t.py", tags: Tags(["arch": [arch]]))
        }
        var config = RunConfiguration(workdir: "/w")
        config.hostGiveUp = 600
        let c = Coordinator(tests: [t("arm", "aarch64"), t("x86", "x86_64")],
                            links: [.init(link: h1, slots: 1), .init(link: h2, slots: 1)],
                            directory: h.directory, recorder: h.recorder, log: h.log, config: config,
                            console: h.console.console, reconnect: { _ in back })
        let began = ContinuousClock.now
        let results = await c.run()
        // Ended when h1 came back (after the 1 s backoff), long before the 600 s give-up.
        #expect(ContinuousClock.now - began < .seconds(300))
        #expect(results.map(\.status) == [.cancel, .pass])
        #expect(results[0].failReason == "qemu-system binary /usr/bin/qemu-system-aarch64 (aarch64) is not on host h1 any more",
                "\(results[0].failReason ?? "")")
        #expect(results[0].attempts.map(\.status) == [.error, .cancel])
        #expect(results[1].host == "h2")
        #expect(back.runCount == 1)
    }

    @Test func ctrlCWhileTestsWaitForALostHostEndsThemAtOnce() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink(host: "h1") { _ in .die }
        var config = RunConfiguration(workdir: "/w")
        config.hostGiveUp = 600
        let c = Self.coordinator(h, ["t1", "t2"], links: [.init(link: link, slots: 1)], config: config,
                                 reconnect: { host in throw RunError.hostUnreachable(host: host, reason: "connection refused") })
        let began = ContinuousClock.now
        let run = Task { await c.run() }
        try await Task.sleep(for: .milliseconds(300))
        await c.userInterrupt()
        let results = await run.value
        // Not the 600 s give-up (loose: a loaded machine delays tasks).
        #expect(ContinuousClock.now - began < .seconds(300))
        // t1 ran and lost its host: it keeps that outcome; t2 never ran.
        #expect(results.map(\.status) == [.error, .skip])
        #expect(results[0].failReason?.contains("host h1 lost: agent crashed") == true)
        #expect(results[1].failReason == "Interrupted by user request")
    }

    @Test func aTestLostWithTwoHostsInARowIsQuarantined() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let h1 = FakeAgentLink(host: "h1") { _ in .die }
        let h2 = FakeAgentLink(host: "h2") { _ in .die }
        let h3 = FakeAgentLink(host: "h3") { _ in .finish(.pass, nil) }
        let c = Self.coordinator(h, ["killer"], links: [.init(link: h1, slots: 1), .init(link: h2, slots: 1), .init(link: h3, slots: 1)],
                                 config: RunConfiguration(workdir: "/w"))
        let results = await c.run()
        #expect(results.map(\.status) == [.error])
        #expect(results[0].failReason == "quarantined: hosts h1 and h2 were lost while running it")
        #expect(results[0].attempts.map(\.host) == ["h1", "h2"])
        #expect(h3.runCount == 0)
    }
}

/// A thread-safe call counter for closures the coordinator calls.
final class Counter: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
