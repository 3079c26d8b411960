import Foundation
import Testing
import QCoordCore
import QCoordReport
@testable import QCoordRun

@Suite struct CoordinatorTests {
    struct Harness {
        let base: String
        let directory: JobDirectory
        let recorder: JobRecorder
        let log: JobLog
        let console = ConsoleRecorder()

        init() throws {
            base = NSTemporaryDirectory() + "qcoord-coord-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            directory = try JobDirectory.create(base: base, jobID: String(repeating: "c", count: 40), date: Date())
            recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl")
            log = JobLog(path: directory.jobLog)
        }

        func coordinator(_ tests: [TestCase], links: [Coordinator.HostLink], config: RunConfiguration? = nil) -> Coordinator {
            Coordinator(tests: tests, links: links, directory: directory, recorder: recorder, log: log,
                        config: config ?? RunConfiguration(workdir: "/w", interruptGrace: 0.3), console: console.console)
        }

        func cleanup() { try? FileManager.default.removeItem(atPath: base) }
    }

    static func tests(_ names: [String]) -> [TestCase] {
        names.map { TestCase(kind: .simple, name: $0, uri: $0) }
    }

    @Test func runsEveryTestRecordsJournalAndPrintsAvocadoLines() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { name in
            switch name {
            case "fail": .finish(.fail, "boom", output: "out\n")
            case "cancel": .finish(.cancel, "no binary")
            default: .finish(.pass, nil, output: "hi\n")
            }
        }
        let c = h.coordinator(Self.tests(["pass", "fail", "cancel"]), links: [.init(link: link, slots: 1)])
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .fail, .cancel])
        #expect(results.map(\.id) == ["1-pass", "2-fail", "3-cancel"])
        // SIMPLE tests do not use QEMU: the host's own arch and no binary.
        #expect(results.allSatisfy { $0.host == "fake" && $0.qemuBin == nil && $0.arch == "x86_64" && $0.attempts.count == 1 })
        #expect(h.console.out == """
             (1/3) pass: STARTED
             (1/3) pass:  PASS (0.25 s)
             (2/3) fail: STARTED
             (2/3) fail:  FAIL: boom (0.25 s)
             (3/3) cancel: STARTED
             (3/3) cancel:  CANCEL: no binary (0.25 s)

            """)
        let journal = try JobRecorder.read(path: h.recorder.path)
        #expect(journal == results)
        #expect(try String(contentsOfFile: results[1].logdir + "/stdout", encoding: .utf8) == "out\n")
        #expect(try String(contentsOfFile: results[1].logfile, encoding: .utf8) == "[stdout] out\nFAIL: boom\n")
        #expect(link.received.allSatisfy { $0.workdir == "/w" })
    }

    @Test func failfastStopsDispatchAndSkipsTheRest() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { $0 == "b" ? .finish(.error, "oops") : .finish(.pass, nil) }
        var config = RunConfiguration(workdir: "/w")
        config.failfast = true
        let c = h.coordinator(Self.tests(["a", "b", "c", "d"]), links: [.init(link: link, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .error, .skip, .skip])
        #expect(results[2].failReason == "Interrupting job (failfast).")
        #expect(!results[2].ran && results[3].attempts.isEmpty)
        #expect(link.runCount == 2)
        #expect(await c.interruptionReason == "Interrupting job (failfast).")
    }

    @Test func jobTimeoutInterruptsRunningAndSkipsTheRest() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { $0 == "slow" ? .hang : .finish(.pass, nil) }
        var config = RunConfiguration(workdir: "/w")
        config.jobTimeout = 0.3
        let c = h.coordinator(Self.tests(["quick", "slow", "never"]), links: [.init(link: link, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .interrupted, .skip])
        #expect(link.cancelled == ["2.1"])
        #expect(results[2].failReason == "Job timeout (0.3 s) reached")
        #expect(JobSummary(jobID: "", jobDir: "", jobName: "", start: "", timestamp: "", jobTime: 0, tests: results,
                           interruption: await c.interruptionReason).exitCode.rawValue == 8)
    }

    @Test func aTestIgnoringCancelIsEndedAfterTheGrace() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { _ in .ignoreCancel }
        var config = RunConfiguration(workdir: "/w", interruptGrace: 0.2)
        config.jobTimeout = 0.2
        let c = h.coordinator(Self.tests(["stuck"]), links: [.init(link: link, slots: 1)], config: config)
        let results = await c.run()
        #expect(results.map(\.status) == [.interrupted])
        #expect(results[0].failReason?.contains("did not stop") == true)
    }

    @Test func firstSignalCancelsRunningTestsAndSkipsTheRest() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { _ in .hang }
        let c = h.coordinator(Self.tests(["a", "b"]), links: [.init(link: link, slots: 1)])
        async let results = c.run()
        while link.runCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await c.signal(.terminate)
        let final = await results
        #expect(link.cancelled == ["1.1"])
        #expect(final.map(\.status) == [.interrupted, .skip])
        #expect(final[1].failReason == "Interrupted by SIGTERM")
        #expect(h.console.err.contains("SIGTERM: stopping the job"))
    }

    @Test func secondSignalEndsATestIgnoringCancelAtOnce() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { _ in .ignoreCancel }
        var config = RunConfiguration(workdir: "/w", interruptGrace: 600)
        config.retries = 0
        let c = h.coordinator(Self.tests(["stuck"]), links: [.init(link: link, slots: 1)], config: config)
        async let results = c.run()
        while link.runCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let began = ContinuousClock.now
        await c.userInterrupt()
        await c.userInterrupt()
        let final = await results
        #expect(ContinuousClock.now - began < .seconds(30), "the 600 s grace was waited for")
        #expect(final.map(\.status) == [.interrupted])
        #expect(await c.stoppedAtOnce)
    }

    @Test func lostHostRerunsItsTestElsewhereAndKeepsBothAttempts() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let bad = FakeAgentLink(host: "h1") { _ in .die }
        let good = FakeAgentLink(host: "h2") { _ in .finish(.pass, nil) }
        let c = h.coordinator(Self.tests(["t1"]), links: [.init(link: bad, slots: 1), .init(link: good, slots: 1)])
        let results = await c.run()
        // h1 takes t1 first (it came up first) and dies: t1 reruns on h2.
        #expect(results.map(\.status) == [.pass])
        #expect(results[0].host == "h2")
        #expect(results[0].attempts.map(\.host) == ["h1", "h2"])
        #expect(results[0].attempts.first?.status == .error)
        #expect(results[0].attempts.first?.failReason?.contains("host h1 lost") == true)
    }

    @Test func noHostLeftEndsTestsErrorWithInfraReasonNeverFail() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let bad = FakeAgentLink(host: "h1") { _ in .die }
        let c = h.coordinator(Self.tests(["t1", "t2"]), links: [.init(link: bad, slots: 1)])
        let results = await c.run()
        #expect(results.map(\.status) == [.error, .error])
        #expect(results.allSatisfy { $0.failReason?.contains("host h1 lost: agent crashed") == true })
    }

    /// Routing: a test goes only to hosts whose `ready` has its arch's binary; tests decided
    /// before the job keep their verdict; a test only a lost host could run ends ERROR naming it.
    @Test func eligibilityVerdictsAndALostHostOnlyItCouldUse() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let h1 = FakeAgentLink(host: "h1", qemu: ["x86_64"]) { $0 == "x1" ? .die : .finish(.pass, nil) }
        let h2 = FakeAgentLink(host: "h2", qemu: ["aarch64"]) { _ in .finish(.pass, nil) }
        func t(_ name: String, _ arch: String?) -> TestCase {
            TestCase(kind: .instrumented, name: name, uri: "t.py", tags: Tags(arch.map { ["arch": [$0]] } ?? [:]))
        }
        let tests = [t("x1", "x86_64"), t("x2", "x86_64"), t("a1", "aarch64"), t("decided", "s390x")]
        let c = Coordinator(tests: tests, links: [.init(link: h1, slots: 1), .init(link: h2, slots: 1)],
                            directory: h.directory, recorder: h.recorder, log: h.log,
                            config: RunConfiguration(workdir: "/w"), console: h.console.console,
                            verdicts: [3: .init(status: .cancel, reason: "needs qemu-system-s390x")])
        let results = await c.run()
        #expect(results.map(\.status) == [.error, .error, .pass, .cancel])
        #expect(results[0].failReason?.contains("host h1 lost") == true, "\(results[0])")
        // x2 never started: only h1 could have run it.
        #expect(results[1].failReason?.contains("host h1 lost") == true, "\(results[1])")
        #expect(results[2].host == "h2")
        #expect(results[3].failReason == "needs qemu-system-s390x" && results[3].host == nil)
        #expect(!h2.received.contains { $0.name.hasPrefix("x") })
        #expect(!(h1.received + h2.received).contains { $0.name == "decided" })
    }

    @Test func noLinksAtAllEndsEveryTestErrorWithTheReason() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let c = Coordinator(tests: Self.tests(["t"]), links: [], directory: h.directory, recorder: h.recorder, log: h.log,
                            config: RunConfiguration(workdir: "/w"), console: h.console.console,
                            noHostReason: "host local: the agent did not start")
        let results = await c.run()
        #expect(results.map(\.status) == [.error])
        #expect(results[0].failReason == "host local: the agent did not start")
    }

    @Test func unsafeFileNamesFromTheAgentAreRefusedAndLogged() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { $0 == "evil" ? .file("../../escape") : .file("data/ok.txt") }
        let c = h.coordinator(Self.tests(["evil", "good"]), links: [.init(link: link, slots: 1)])
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .pass])
        #expect(!FileManager.default.fileExists(atPath: h.directory.path + "/escape"))
        #expect(FileManager.default.fileExists(atPath: results[1].logdir + "/data/ok.txt"))
        #expect(try String(contentsOfFile: h.directory.jobLog, encoding: .utf8).contains("refused a file named \"../../escape\""))
    }

    @Test func slotsBoundParallelism() async throws {
        let h = try Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { _ in .hang }
        var config = RunConfiguration(workdir: "/w", interruptGrace: 0.2)
        config.jobTimeout = 0.3
        let c = h.coordinator(Self.tests(["a", "b", "c", "d", "e"]), links: [.init(link: link, slots: 3)], config: config)
        let results = await c.run()
        #expect(link.runCount == 3)
        #expect(results.map(\.status) == [.interrupted, .interrupted, .interrupted, .skip, .skip])
    }
}
