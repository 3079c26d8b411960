import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// `RunConfiguration.resultsEnded` (the timing history's flush) is told once, after every result,
/// however the job ends.
@Suite struct CoordinatorResultsEndedTests {
    final class Observed: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var results: [String] = []
        private var ends: [Int] = []
        func result(_ r: TestResult) { lock.withLock { results.append(r.name) } }
        /// Records how many results had been observed when the end came.
        func ended() { lock.withLock { ends.append(results.count) } }
        var snapshot: (results: [String], ends: [Int]) { lock.withLock { (results, ends) } }
    }

    enum Ending: CaseIterable { case allDone, failfast, jobTimeout, userInterrupt }

    @Test(arguments: Ending.allCases)
    func toldOnceAfterEveryResult(_ ending: Ending) async throws {
        let h = try CoordinatorTests.Harness()
        defer { h.cleanup() }
        let link = FakeAgentLink { name in
            switch (ending, name) {
            case (.failfast, "b"): .finish(.fail, "boom")
            case (.jobTimeout, "b"), (.userInterrupt, "b"): .hang
            default: .finish(.pass, nil)
            }
        }
        let observed = Observed()
        var config = RunConfiguration(workdir: "/w", interruptGrace: 0.2)
        config.failfast = ending == .failfast
        if ending == .jobTimeout { config.jobTimeout = 0.3 }
        config.resultObserver = { observed.result($0) }
        config.resultsEnded = { observed.ended() }
        let c = h.coordinator(CoordinatorTests.tests(["a", "b", "c"]), links: [.init(link: link, slots: 1)], config: config)
        async let run = c.run()
        if ending == .userInterrupt {
            while link.runCount < 2 { try await Task.sleep(for: .milliseconds(10)) }
            await c.userInterrupt()
            await c.userInterrupt()
        }
        let results = await run
        let seen = observed.snapshot
        // Only tests that ran are observed; the end comes once, after all of them.
        #expect(seen.results == results.filter(\.ran).map(\.name))
        #expect(seen.ends == [seen.results.count])
        #expect(results.count == 3)
    }
}
