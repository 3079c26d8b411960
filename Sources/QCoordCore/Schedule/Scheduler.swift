/// Decides which test runs where: events in, assignments out; no I/O, no clock.
///
/// For now a pull queue: every free slot takes the next pending test, in order. Tests are
/// identified by their index in the job (0-based). `eligible` lets a caller (the Planner, later)
/// say which host may run which test; a test no live host may run stays pending.
public struct Scheduler: Sendable {
    public typealias Eligibility = @Sendable (_ test: Int, _ host: String) -> Bool

    /// Tests not yet assigned, in dispatch order.
    public private(set) var pending: [Int]
    /// test → host, for running tests.
    public private(set) var running: [Int: String] = [:]
    /// host → free slots, for live hosts, in the order they came up.
    public private(set) var freeSlots: [(host: String, slots: Int)] = []
    public private(set) var stopped = false
    private var attempts: [Int: Int] = [:]
    private let eligible: Eligibility

    public init(testCount: Int, eligible: @escaping Eligibility = { _, _ in true }) {
        pending = Array(0..<testCount)
        self.eligible = eligible
    }

    /// No test is running and none will be dispatched.
    public var isIdle: Bool { running.isEmpty && (stopped || pending.isEmpty || freeSlots.isEmpty) }

    public var liveHosts: [String] { freeSlots.map(\.host) }

    public mutating func handle(_ event: SchedulerEvent) -> [Assignment] {
        switch event {
        case .hostUp(let host, let slots):
            if let i = freeSlots.firstIndex(where: { $0.host == host }) {
                freeSlots[i].slots += slots
            } else {
                freeSlots.append((host, slots))
            }
        case .hostLost(let host):
            freeSlots.removeAll { $0.host == host }
            // In-flight tests go back to the front, in their original order, to run elsewhere.
            let lost = running.filter { $0.value == host }.map(\.key).sorted()
            for test in lost { running[test] = nil }
            pending.insert(contentsOf: lost, at: 0)
        case .taskFinished(let test, let host):
            guard running[test] == host else { return [] }
            running[test] = nil
            if let i = freeSlots.firstIndex(where: { $0.host == host }) { freeSlots[i].slots += 1 }
        case .stop:
            stopped = true
        }
        return dispatch()
    }

    /// Takes the remaining pending tests out of the queue (they will never run).
    public mutating func drainPending() -> [Int] {
        defer { pending.removeAll() }
        return pending
    }

    private mutating func dispatch() -> [Assignment] {
        guard !stopped else { return [] }
        var out: [Assignment] = []
        var i = 0
        while i < pending.count {
            let test = pending[i]
            guard let slot = freeSlots.indices.first(where: { freeSlots[$0].slots > 0 && eligible(test, freeSlots[$0].host) })
            else {
                if !freeSlots.contains(where: { $0.slots > 0 }) { break }
                i += 1
                continue
            }
            freeSlots[slot].slots -= 1
            pending.remove(at: i)
            let host = freeSlots[slot].host
            running[test] = host
            attempts[test, default: 0] += 1
            out.append(Assignment(test: test, host: host, attempt: attempts[test] ?? 1))
        }
        return out
    }
}
