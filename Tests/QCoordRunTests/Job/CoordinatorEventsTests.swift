import Synchronization
import Testing
import QCoordCore
import QCoordReport
@testable import QCoordRun

/// The coordinator's events (live progress, --json-events) and what a lost host leaves in the JUnit report.
@Suite struct CoordinatorEventsTests {
    final class Events: Sendable {
        let list = Mutex<[JobEvent]>([])
        var sink: JobEventSink { JobEventSink { e in self.list.withLock { $0.append(e) } } }
        var names: [String] { list.withLock { $0.map(\.name) } }
    }

    @Test func lostHostIsAnEventAndTheRerunIsFlakyInJUnit() async throws {
        let h = try CoordinatorTests.Harness()
        defer { h.cleanup() }
        let events = Events()
        let bad = FakeAgentLink(host: "h1") { _ in .die }
        let good = FakeAgentLink(host: "h2") { _ in .finish(.pass, nil) }
        let c = Coordinator(tests: CoordinatorTests.tests(["t1", "t2"]), links: [.init(link: bad, slots: 1), .init(link: good, slots: 1)],
                            directory: h.directory, recorder: h.recorder, log: h.log,
                            config: RunConfiguration(workdir: "/w", interruptGrace: 0.3), console: h.console.console,
                            events: events.sink)
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .pass])
        let names = events.names
        #expect(names.filter { $0 == "host_lost" }.count == 1)
        #expect(names.filter { $0 == "test_finished" }.count == 2)
        #expect(names.filter { $0 == "test_started" }.count >= 2)
        let lost = events.list.withLock { $0.compactMap { e -> String? in if case .hostLost(let host, _, _) = e { host } else { nil } } }
        #expect(lost == ["h1"])

        let job = JobSummary(jobID: "j", jobDir: h.directory.path, jobName: "n", start: "s", timestamp: "t", jobTime: 1, tests: results)
        let xml = ResultsXMLRenderer.render(job)
        #expect(xml.contains("<flakyError type=\"TestError\" message=\"attempt 1 on h1: ERROR: host h1 lost"))
        #expect(!xml.contains("<failure") && !xml.contains("<error"))
    }
}
