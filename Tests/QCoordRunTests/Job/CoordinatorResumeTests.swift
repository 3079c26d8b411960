import Foundation
import Testing
import QCoordCore
import QCoordReport
@testable import QCoordRun

@Suite struct CoordinatorResumeTests {
    @Test func completedTestsKeepTheirResultAndAreNotRunAgain() async throws {
        let h = try CoordinatorTests.Harness()
        defer { h.cleanup() }
        let tests = CoordinatorTests.tests(["a", "b", "c"])
        let earlier = TestResult(uid: 2, id: "2-b", name: "b", kind: .simple, status: .fail, failReason: "earlier",
                                 logdir: "/x", host: "old")
        let link = FakeAgentLink { _ in .finish(.pass, nil) }
        let c = Coordinator(tests: tests, links: [.init(link: link, slots: 2)], directory: h.directory,
                            recorder: h.recorder, log: h.log, config: RunConfiguration(workdir: "/w"),
                            console: h.console.console, completed: [1: earlier])
        let results = await c.run()
        #expect(results.map(\.status) == [.pass, .fail, .pass])
        #expect(results[1] == earlier)
        #expect(link.received.map(\.name).sorted() == ["a", "c"])
        // The journal gets only the new results (the earlier one is already in it).
        #expect(try JobRecorder.read(path: h.recorder.path).map(\.uid) == [1, 3])
    }

    @Test func everythingCompletedEndsAtOnce() async throws {
        let h = try CoordinatorTests.Harness()
        defer { h.cleanup() }
        let tests = CoordinatorTests.tests(["a"])
        let done = TestResult(uid: 1, id: "1-a", name: "a", kind: .simple, status: .pass)
        let link = FakeAgentLink { _ in .finish(.fail, nil) }
        let c = Coordinator(tests: tests, links: [.init(link: link, slots: 1)], directory: h.directory,
                            recorder: h.recorder, log: h.log, config: RunConfiguration(workdir: "/w"),
                            console: h.console.console, completed: [0: done])
        #expect(await c.run() == [done])
        #expect(link.received.isEmpty)
    }
}
