import Testing
@testable import QCoordCore

/// Assets in the book: hosts that hold a test's assets are preferred when otherwise equal, and
/// the assets of the test a host would take next are staged there while it is busy.
@Suite struct JobBookAssetTests {
    static let hosts: [JobPlan.Host] = [.init(name: "h1", facts: JobBookTests.caps("x86_64", ["x86_64"])),
                                        .init(name: "h2", facts: JobBookTests.caps("x86_64", ["x86_64"]))]

    /// Four interchangeable tests on two equal hosts: a, b need kernel K; c, d need disk D.
    static func book(held: [String: [String]] = [:]) -> JobBook {
        let tests = ["a", "b", "c", "d"].map { JobBookTests.test($0) }
        let plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: hosts)
        var book = JobBook(plan: plan, settings: .init(), assets: [["K"], ["K"], ["D"], ["D"]])
        for (host, keys) in held.sorted(by: { $0.key < $1.key }) { _ = book.handle(.assetsHeld(host: host, keys: keys)) }
        return book
    }

    static func prefetches(_ d: [BookDecision]) -> [String: (test: Int, keys: [String])] {
        var out: [String: (Int, [String])] = [:]
        for case .prefetch(let host, let test, let keys) in d { out[host] = (test, keys) }
        return out
    }

    @Test func withNothingHeldTheSecondHostTakesAnotherAsset() {
        // a's K goes to h1 with a: b (K) is left to h1, h2 takes c (D), which nobody holds.
        var b = Self.book()
        let d = JobBookTests.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0)))
        #expect(d.map { "\($0.host):\($0.test)" } == ["h1:0", "h2:2"])
    }

    @Test func aHostHoldingATestsAssetsGetsItFirst() {
        // h1 holds D: it takes c (not a, which job order would give it); h2 then takes a.
        var b = Self.book(held: ["h1": ["D"]])
        let d = JobBookTests.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1), .init(name: "h2", slots: 1)], now: 0)))
        #expect(d.map { "\($0.host):\($0.test)" } == ["h1:2", "h2:0"])
        // Both hosts finish: each takes the other test of the asset it now holds.
        _ = b.handle(.assetsHeld(host: "h2", keys: ["K"]))
        let next1 = JobBookTests.dispatches(b.handle(JobBookTests.finished(d[0], .pass)))
        let next2 = JobBookTests.dispatches(b.handle(JobBookTests.finished(d[1], .pass)))
        #expect(next1.map { "\($0.host):\($0.test)" } == ["h1:3"])
        #expect(next2.map { "\($0.host):\($0.test)" } == ["h2:1"])
    }

    @Test func aboutAsLongCountsAsEqualForTheAssets() {
        // Timings from history are never exactly equal: 2.1 s vs 2.0 s is a tie for the assets.
        let tests = ["a", "b"].map { JobBookTests.test($0) }
        let plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: Self.hosts)
        var b = JobBook(plan: plan, settings: .init(), expected: [2.1, 2.0], assets: [["K"], ["D"]])
        _ = b.handle(.assetsHeld(host: "h1", keys: ["D"]))
        let d = JobBookTests.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0)))
        #expect(d.map(\.test) == [1])
    }

    @Test func longerTestsStillGoFirst() {
        // The asset preference only breaks ties: a test expected to run longer is taken first.
        let tests = ["a", "b"].map { JobBookTests.test($0) }
        let plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: Self.hosts)
        var b = JobBook(plan: plan, settings: .init(), expected: [10, 1], assets: [["K"], ["D"]])
        _ = b.handle(.assetsHeld(host: "h1", keys: ["D"]))
        let d = JobBookTests.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0)))
        #expect(d.map(\.test) == [0])
    }

    @Test func theNextTestsAssetsAreStagedWhileTheHostIsBusy() {
        var b = Self.book()
        let start = b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0))
        #expect(JobBookTests.dispatches(start).map(\.test) == [0])
        // h1 runs a (K, on its way with a); it would take b next, which needs K too: nothing to stage.
        #expect(Self.prefetches(start).isEmpty)
        // a ends; b goes; c is next and its D is staged while b runs — once.
        let d = JobBookTests.dispatches(start)[0]
        let next = b.handle(JobBookTests.finished(d, .pass))
        let second = JobBookTests.dispatches(next)[0]
        #expect(second.test == 1)
        #expect(Self.prefetches(next)["h1"]?.test == 2 && Self.prefetches(next)["h1"]?.keys == ["D"])
        let third = b.handle(JobBookTests.finished(second, .pass))
        #expect(JobBookTests.dispatches(third).map(\.test) == [2])
        #expect(Self.prefetches(third).isEmpty, "c's D was staged, d needs D too")
    }

    @Test func testsSharingAnAssetGatherOnOneHost() {
        // Nothing held at the start: each host takes a class no other host has, and keeps to it.
        var b = Self.book()
        let start = JobBookTests.dispatches(b.handle(.start(hosts: [.init(name: "h1", slots: 2), .init(name: "h2", slots: 2)], now: 0)))
        #expect(start.map { "\($0.host):\($0.test)" } == ["h1:0", "h1:1", "h2:2", "h2:3"])
    }

    @Test func noStagingWithoutAssets() {
        let tests = ["a", "b"].map { JobBookTests.test($0) }
        let plan = JobPlan.make(tests: tests, settings: .init(timeout: 30), hosts: Self.hosts)
        var b = JobBook(plan: plan, settings: .init())
        let start = b.handle(.start(hosts: [.init(name: "h1", slots: 1)], now: 0))
        #expect(Self.prefetches(start).isEmpty)
    }
}
