/// Decides which test runs where: events in, assignments out; no I/O, no clock.
///
/// For now a pull queue: every free slot takes the next pending test, in order. Tests are
/// identified by their index in the job (0-based). `eligible` lets a caller (the Planner, later)
/// say which host may run which test; a test no live host may run stays pending.
public struct Scheduler: Sendable {
    public typealias Eligibility = @Sendable (_ test: Int, _ host: String) -> Bool

    /// Tests not yet assigned, in dispatch order.
    public var pending: [Int] { Array(queue[head...]) }
    // A queue with a moving head: taking the next test is O(1), which matters at 20k tests.
    private var queue: [Int]
    private var head = 0
    /// test → host, for running tests.
    public private(set) var running: [Int: String] = [:]
    /// host → free slots, for live hosts, in the order they came up.
    public private(set) var freeSlots: [(host: String, slots: Int)] = []
    public private(set) var stopped = false
    /// Sum of `freeSlots`, so a full cluster is recognized without a scan.
    private var totalFree = 0
    /// host → its index in `freeSlots`.
    private var hostIndex: [String: Int] = [:]
    private var attempts: [Int: Int] = [:]
    private let eligible: Eligibility

    public init(testCount: Int, eligible: @escaping Eligibility = { _, _ in true }) {
        queue = Array(0..<testCount)
        self.eligible = eligible
    }

    /// No test is running and none will be dispatched.
    public var isIdle: Bool { running.isEmpty && (stopped || head == queue.count || freeSlots.isEmpty) }

    public var liveHosts: [String] { freeSlots.map(\.host) }

    public mutating func handle(_ event: SchedulerEvent) -> [Assignment] {
        switch event {
        case .hostUp(let host, let slots):
            if let i = hostIndex[host] {
                freeSlots[i].slots += slots
            } else {
                hostIndex[host] = freeSlots.count
                freeSlots.append((host, slots))
            }
            totalFree += slots
        case .hostLost(let host):
            if let i = hostIndex[host] {
                totalFree -= freeSlots[i].slots
                freeSlots.remove(at: i)
                hostIndex = Dictionary(uniqueKeysWithValues: freeSlots.enumerated().map { ($1.host, $0) })
            }
            // In-flight tests go back to the front, in their original order, to run elsewhere.
            let lost = running.filter { $0.value == host }.map(\.key).sorted()
            for test in lost { running[test] = nil }
            queue = lost + queue[head...]
            head = 0
        case .taskFinished(let test, let host):
            guard running[test] == host else { return [] }
            running[test] = nil
            if let i = hostIndex[host] {
                freeSlots[i].slots += 1
                totalFree += 1
            }
        case .stop:
            stopped = true
        }
        return dispatch()
    }

    /// Takes the remaining pending tests out of the queue (they will never run).
    public mutating func drainPending() -> [Int] {
        defer {
            queue.removeAll()
            head = 0
        }
        return pending
    }

    private mutating func dispatch() -> [Assignment] {
        guard !stopped else { return [] }
        var out: [Assignment] = []
        var skipped: [Int] = []
        while head < queue.count, totalFree > 0 {
            let test = queue[head]
            head += 1
            guard let slot = freeSlots.indices.first(where: { freeSlots[$0].slots > 0 && eligible(test, freeSlots[$0].host) })
            else {
                skipped.append(test)
                continue
            }
            freeSlots[slot].slots -= 1
            totalFree -= 1
            let host = freeSlots[slot].host
            running[test] = host
            attempts[test, default: 0] += 1
            out.append(Assignment(test: test, host: host, attempt: attempts[test] ?? 1))
        }
        if !skipped.isEmpty {
            // Tests no free host may run keep their place at the front.
            queue = skipped + queue[head...]
            head = 0
        } else if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return out
    }
}
