/// Decides which test runs where: events in, assignments out; no I/O, no clock.
///
/// Pull-based: whenever a host has a free slot it takes, among the pending tests it may run
/// (and whose exclusive group is not already running there), the most constrained one — the
/// fewest live hosts able to run it — and among those the longest expected one (LPT), then by
/// assets: one whose assets the host holds (`noteHeld`, or sent there with an earlier test), then
/// one whose assets no other host holds; ties by job order. Tests are identified by their index
/// in the job (0-based).
///
/// Tests with the same eligibility and exclusive group form a class, kept as one queue sorted
/// longest first; a free slot only compares the heads of the classes, so a pick costs
/// O(classes), not O(tests) — 20 000 tests on 200 hosts stay cheap.
///
/// Faults: a test re-queued by `.retry` (`--retries`) waits in a short list of its own and goes
/// to a host that has not run it yet, unless every live host that may run it already has; a
/// test in flight on `quarantineAfter` consecutive lost hosts is not re-queued but quarantined
/// (`takeQuarantined`). Hosts that were lost stay known, so `drainIneligible(awaiting:)` keeps
/// the tests that a lost host being reconnected could still run.
public struct Scheduler: Sendable {
    /// Whether the test `representative` (of a class) may run on `host`.
    public typealias ClassEligibility = @Sendable (_ representative: Int, _ host: String) -> Bool
    public typealias Eligibility = @Sendable (_ test: Int, _ host: String) -> Bool

    struct Host: Sendable {
        var name: String
        var free: Int
        /// Exclusive groups running here now.
        var busy: [String: Int] = [:]
    }

    /// Expected seconds per test (unknown ones already replaced by the median).
    public let expected: [Double]
    /// test → host, for running tests.
    public private(set) var running: [Int: String] = [:]
    public private(set) var stopped = false
    private var classes: TestClasses
    private var hosts: [Host] = []
    /// host name → its index in `hosts` (events name hosts; 200 of them are looked up per event).
    private var hostIndex: [String: Int] = [:]
    private var attempts: [Int: Int] = [:]
    private let classEligible: ClassEligibility
    /// Tests re-queued by `.retry`, in the order they came back (few: only FAILed/ERRORed ones).
    private var retryList: [Int] = []
    /// test → the hosts it was assigned to, for tests re-queued by `.retry`.
    private var tried: [Int: Set<String>] = [:]
    /// test → the hosts lost while it ran there, since it last ended normally.
    private var losses: [Int: [String]] = [:]
    private var quarantined: [(test: Int, hosts: [String])] = []
    /// Every host that ever came up (lost ones included).
    private var known: Set<String> = []
    /// host → the assets (content keys) it holds (`noteHeld`).
    private var held: [String: Set<String>] = [:]
    /// A test in flight on this many consecutive lost hosts is quarantined instead of re-queued.
    public var quarantineAfter = 2

    /// The general form: `classKey` groups tests that share eligibility (tests in one class must
    /// give the same answer from `eligible`); `exclusive` names each test's exclusive group.
    public init(expected: [Double], classKey: (Int) -> String, exclusive: (Int) -> String? = { _ in nil },
                assets: (Int) -> [String] = { _ in [] }, eligible: @escaping ClassEligibility) {
        self.expected = expected
        classEligible = eligible
        classes = TestClasses(expected: expected, classKey: classKey, exclusive: exclusive, assets: assets)
    }

    /// The job plan's tasks: each may run only on the hosts the plan lists for it (nothing else
    /// decides placement); `expected` seconds per test (use `Timings.expected`), and exclusive
    /// groups (see `exclusiveGroups`); `assets`: each test's assets (content keys), for the
    /// preference of hosts that hold them.
    public init(plan: JobPlan, expected: [Double]? = nil, exclusive: [String?]? = nil, assets: [[String]]? = nil) {
        // One host set per group of tests planned alike (not per test: 20 000 tests × 200 hosts).
        var sets: [Int: Set<String>] = [:]
        for task in plan.tasks where sets[task.group] == nil { sets[task.group] = Set(task.placements.map(\.host)) }
        let hostsOf = sets
        let group = plan.tasks.map(\.group)
        let keys = Dictionary(uniqueKeysWithValues: hostsOf.keys.map { ($0, String($0)) })
        let exclusiveGroups = exclusive ?? Array(repeating: nil, count: plan.tasks.count)
        self.init(expected: expected ?? Array(repeating: 0, count: plan.tasks.count),
                  classKey: { keys[group[$0]] ?? "" }, exclusive: { exclusiveGroups[$0] },
                  assets: { assets?[$0] ?? [] },
                  eligible: { test, host in hostsOf[group[test]]?.contains(host) ?? false })
    }

    /// `--exclusive-tag TAG`: each test's group, the values of TAG (a flat TAG is one group of
    /// its own: every such test excludes the others); nil without the tag.
    public static func exclusiveGroups(_ tests: [TestCase], tag: String?) -> [String?] {
        tests.map { test in
            guard let tag, let values = test.tags[tag] else { return nil }
            return values.isEmpty ? "" : values.sorted().joined(separator: ",")
        }
    }

    /// `testCount` tests in job order; with `eligible`, a per-test eligibility (every test its
    /// own class, so a pick costs O(tests)); without, one queue (a pick costs O(1)).
    public init(testCount: Int, eligible: Eligibility? = nil) {
        guard let eligible else {
            self.init(expected: Array(repeating: 0, count: testCount), classKey: { _ in "" }, eligible: { _, _ in true })
            return
        }
        self.init(expected: Array(repeating: 0, count: testCount), classKey: { String($0) },
                  eligible: { test, host in eligible(test, host) })
    }

    /// Tests not yet assigned, in the order an unconstrained slot would take them.
    public var pending: [Int] {
        (classes.waiting + retryList).sorted { TestClasses.before($0, $1, expected) }
    }

    /// No test is running and none will be dispatched.
    public var isIdle: Bool {
        // With nothing running, a pending test some live host may run would have been dispatched.
        running.isEmpty && (stopped || (classes.nothingRunnable && retryList.allSatisfy { classes.queue(of: $0).hosts.isEmpty }))
    }

    /// Live hosts, in the order they came up.
    public var liveHosts: [String] { hosts.map(\.name) }

    /// host → free slots, for live hosts, in the order they came up.
    public var freeSlots: [(host: String, slots: Int)] { hosts.map { ($0.name, $0.free) } }

    public mutating func handle(_ event: SchedulerEvent) -> [Assignment] {
        switch event {
        case .hostUp(let host, let slots):
            if let h = hostIndex[host] {
                hosts[h].free += slots
            } else {
                known.insert(host)
                hostIndex[host] = hosts.count
                hosts.append(Host(name: host, free: slots))
                let eligible = classEligible
                classes.add(host: host) { eligible($0, host) }
            }
            return dispatch(only: host)
        case .hostLost(let host):
            guard let h = hostIndex[host] else { return [] }
            hosts.remove(at: h)
            hostIndex = Dictionary(uniqueKeysWithValues: hosts.enumerated().map { ($0.element.name, $0.offset) })
            classes.remove(host: host)
            // Its in-flight tests go back to their queues, to run elsewhere.
            let lost = running.filter { $0.value == host }.map(\.key).sorted()
            for test in lost {
                running[test] = nil
                losses[test, default: []].append(host)
                if let hosts = losses[test], hosts.count >= quarantineAfter {
                    // It may be what kills hosts: never run it again.
                    quarantined.append((test, hosts))
                } else if tried[test] != nil {
                    retryList.append(test)
                } else {
                    classes.requeue(test)
                }
            }
            return dispatch(only: nil)
        case .taskFinished(let test, let host), .retry(let test, let host):
            guard running[test] == host, let h = hostIndex[host] else { return [] }
            running[test] = nil
            losses[test] = nil
            hosts[h].free += 1
            if let group = classes.queue(of: test).exclusive {
                hosts[h].busy[group, default: 1] -= 1
                if hosts[h].busy[group] == 0 { hosts[h].busy[group] = nil }
            }
            guard case .retry = event else { return dispatch(only: host) }
            tried[test, default: []].insert(host)
            retryList.append(test)
            // Another host may be idle and untried: offer the test to every host.
            return dispatch(only: nil)
        case .stop:
            stopped = true
            return []
        }
    }

    /// Takes the remaining pending tests out of the queue (they will never run), in job order.
    public mutating func drainPending() -> [Int] {
        let out = classes.drain { _ in true } + retryList
        retryList = []
        return out.sorted()
    }

    /// Takes out the pending tests no live host may run (call once every host that will come is up,
    /// or after a host is lost); in job order. Tests that one of the lost hosts in `awaiting`
    /// (being reconnected) could run stay queued.
    public mutating func drainIneligible(awaiting: Set<String> = []) -> [Int] {
        let (eligible, known) = (classEligible, known)
        let hopeless: [Bool] = classes.queues.map { queue in
            queue.hosts.isEmpty && !awaiting.contains { known.contains($0) && eligible(queue.representative, $0) }
        }
        var out = classes.drain { hopeless[$0] }
        out += retryList.filter { hopeless[classes.queueIndex(of: $0)] }
        retryList.removeAll { hopeless[classes.queueIndex(of: $0)] }
        return out.sorted()
    }

    /// Tests quarantined since the last call, each with the hosts lost while it ran; in job order.
    public mutating func takeQuarantined() -> [(test: Int, hosts: [String])] {
        defer { quarantined = [] }
        return quarantined.sorted { $0.test < $1.test }
    }

    /// How many live hosts may run `test`.
    public func eligibleHostCount(_ test: Int) -> Int { classes.queue(of: test).hosts.count }

    /// `host` now holds these assets (content keys): among tests otherwise equal, it prefers
    /// those whose assets it has.
    public mutating func noteHeld(_ host: String, keys: some Sequence<String>) {
        held[host, default: []].formUnion(keys)
    }

    /// The assets `test` needs that `host` does not hold (as far as `noteHeld` said).
    public func missingAssets(_ test: Int, on host: String) -> Set<String> {
        classes.queue(of: test).assets.subtracting(held[host] ?? [])
    }

    /// The test `host` would take next if it had a free slot now (nil: none); nothing changes.
    /// What the run loop stages ahead (the next test's assets) while the host is busy.
    public func peek(for host: String) -> Int? {
        guard !stopped, let h = hostIndex[host] else { return nil }
        if let r = pickRetry(for: h) { return retryList[r] }
        guard let q = classes.pick(for: host, busy: hosts[h].busy, held: held) else { return nil }
        let queue = classes.queues[q]
        return queue.tests[queue.head]
    }

    // MARK: -

    /// Fills free slots: of `only` host, or of every host (one pick per host in turn, so the
    /// longest tests spread over the hosts).
    private mutating func dispatch(only: String?) -> [Assignment] {
        guard !stopped else { return [] }
        var out: [Assignment] = []
        var candidates = only.map { hostIndex[$0].map { [$0] } ?? [] } ?? Array(hosts.indices)
        while !candidates.isEmpty {
            candidates = candidates.filter { h in
                guard hosts[h].free > 0 else { return false }
                let test: Int
                if let r = pickRetry(for: h) {
                    test = retryList.remove(at: r)
                } else if let next = classes.pick(for: hosts[h].name, busy: hosts[h].busy, held: held) {
                    test = classes.take(next)
                } else {
                    return false
                }
                if tried[test] != nil { tried[test, default: []].insert(hosts[h].name) }
                hosts[h].free -= 1
                if let group = classes.queue(of: test).exclusive { hosts[h].busy[group, default: 0] += 1 }
                running[test] = hosts[h].name
                attempts[test, default: 0] += 1
                // Its assets are on their way there: the host counts as holding them.
                let assets = classes.queue(of: test).assets
                if !assets.isEmpty { held[hosts[h].name, default: []].formUnion(assets) }
                out.append(Assignment(test: test, host: hosts[h].name, attempt: attempts[test] ?? 1))
                return true
            }
        }
        return out
    }

    /// The first retried test host `h` may take: one it has not run, or that every live host
    /// able to run it has run (retries go before new tests, so a flaky verdict comes early).
    private func pickRetry(for h: Int) -> Int? {
        guard !retryList.isEmpty else { return nil }
        let host = hosts[h]
        return retryList.firstIndex { test in
            let queue = classes.queue(of: test)
            guard queue.hosts.contains(host.name) else { return false }
            if let group = queue.exclusive, host.busy[group] != nil { return false }
            let seen = tried[test] ?? []
            return !seen.contains(host.name) || queue.hosts.isSubset(of: seen)
        }
    }
}

extension Scheduler {
    /// Takes `tests` out of the pending queues before any host is up: a resumed job's tests that
    /// already have their result (`qcoord run --resume`) are never dispatched.
    public mutating func withdraw(_ tests: Set<Int>) {
        guard !tests.isEmpty else { return }
        classes.withdraw(tests)
    }
}
