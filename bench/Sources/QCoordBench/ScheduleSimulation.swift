import Foundation
import QCoordCore

/// Runs a schedule in simulated time (no sleeping): what `make bench-schedule` compares.
public enum ScheduleSimulation {
    /// A simulated host: its name, slots, and what its agent would report.
    public struct Host: Sendable {
        public var name: String
        public var slots: Int
        public var capabilities: HostCapabilities
        public init(name: String, slots: Int, capabilities: HostCapabilities) {
            self.name = name; self.slots = slots; self.capabilities = capabilities
        }
    }

    /// The makespan of qcoord's Scheduler given `expected` durations, when tests really take `actual`.
    public static func scheduler(tests: [TestCase], actual: [Double], expected: [Double], hosts: [Host]) -> Double {
        var s = Scheduler(plan: plan(tests, hosts), expected: expected)
        var running: [(end: Double, a: Assignment)] = []
        var now = 0.0
        // As the job book does: every host known before any gets a test.
        for h in hosts { _ = s.handle(.hostUp(host: h.name, slots: 0)) }
        for h in hosts {
            for a in s.handle(.hostUp(host: h.name, slots: h.slots)) {
                running.append((now + actual[a.test], a))
            }
        }
        while !running.isEmpty {
            // The earliest end (ties: lowest test) — deterministic.
            var i = 0
            for j in running.indices.dropFirst() where running[j].end < running[i].end
                || (running[j].end == running[i].end && running[j].a.test < running[i].a.test) { i = j }
            let done = running.remove(at: i)
            now = done.end
            for a in s.handle(.taskFinished(test: done.a.test, host: done.a.host)) {
                running.append((now + actual[a.test], a))
            }
        }
        return now
    }

    /// The makespan of a greedy pull in job order: each free slot takes the first pending test
    /// its host may run (no constraint or duration awareness) — the naive peer.
    public static func firstFree(tests: [TestCase], actual: [Double], hosts: [Host]) -> Double {
        let plan = plan(tests, hosts)
        var pending = Array(tests.indices)
        var free = hosts.map(\.slots)
        var running: [(end: Double, test: Int, host: Int)] = []
        var now = 0.0
        func fill() {
            for h in hosts.indices {
                while free[h] > 0, let k = pending.firstIndex(where: { plan.tasks[$0].placement(on: hosts[h].name) != nil }) {
                    let t = pending.remove(at: k)
                    free[h] -= 1
                    running.append((now + actual[t], t, h))
                }
            }
        }
        fill()
        while !running.isEmpty {
            var i = 0
            for j in running.indices.dropFirst() where running[j].end < running[i].end
                || (running[j].end == running[i].end && running[j].test < running[i].test) { i = j }
            let done = running.remove(at: i)
            now = done.end
            free[done.host] += 1
            fill()
        }
        return now
    }

    /// The makespan of a round-robin split: test i goes to the next host (in turn) that may run
    /// it, and each host runs its share in order on its slots.
    public static func roundRobin(tests: [TestCase], actual: [Double], hosts: [Host]) -> Double {
        var shares = [[Int]](repeating: [], count: hosts.count)
        var next = 0
        let plan = plan(tests, hosts)
        for i in tests.indices {
            for k in 0..<hosts.count {
                let h = (next + k) % hosts.count
                if plan.tasks[i].placement(on: hosts[h].name) != nil {
                    shares[h].append(i)
                    next = h + 1
                    break
                }
            }
        }
        var makespan = 0.0
        for (h, share) in shares.enumerated() {
            var slots = [Double](repeating: 0, count: max(1, hosts[h].slots))
            for i in share {
                var s = 0
                for k in slots.indices where slots[k] < slots[s] { s = k }
                slots[s] += actual[i]
            }
            makespan = max(makespan, slots.max() ?? 0)
        }
        return makespan
    }

    /// The bound's items: each test's duration and the hosts that may run it.
    public static func boundItems(tests: [TestCase], actual: [Double], hosts: [Host]) -> [MakespanBound.Item] {
        let plan = plan(tests, hosts)
        return tests.indices.map { i in
            .init(duration: actual[i], hosts: Set(plan.tasks[i].placements.map(\.host)))
        }
    }

    /// The job plan every strategy is held to: the same hosts per test.
    static func plan(_ tests: [TestCase], _ hosts: [Host]) -> JobPlan {
        JobPlan.make(tests: tests, settings: .init(), hosts: hosts.map { .init(name: $0.name, facts: $0.capabilities) })
    }
}

/// SplitMix64: a small seeded generator, the same numbers on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A log-normal sample with this mean and shape σ (Box–Muller on two uniforms).
    public mutating func logNormal(mean: Double, sigma: Double) -> Double {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), .leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        let mu = log(mean) - sigma * sigma / 2
        return exp(mu + sigma * z)
    }
}
