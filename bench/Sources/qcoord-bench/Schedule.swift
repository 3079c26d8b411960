import Foundation
import QCoordBench
import QCoordCore

/// `make bench-schedule`, its simulated part: qcoord's Scheduler vs a round-robin split.
struct ScheduleBench {
    var tests = 300
    var seed: UInt64 = 2026

    func run() {
        // The testbed's shape: 3 hosts × 2 slots; aarch64 on two of them, ppc64 on one.
        let hosts = [
            ScheduleSimulation.Host(name: "h1", slots: 2, capabilities: BenchHosts.caps("h1", arch: "x86_64", qemu: ["x86_64", "aarch64"])),
            .init(name: "h2", slots: 2, capabilities: BenchHosts.caps("h2", arch: "x86_64", qemu: ["x86_64", "ppc64"])),
            .init(name: "h3", slots: 2, capabilities: BenchHosts.caps("h3", arch: "x86_64", qemu: ["x86_64", "aarch64"])),
        ]
        var rng = SeededGenerator(seed: seed)
        let actual = (0..<tests).map { _ in rng.logNormal(mean: 0.3, sigma: 0.8) }
        // 30 % arch-constrained (as `--arch` copies would be), the rest run anywhere.
        let cases: [TestCase] = (0..<tests).map { i in
            let constrained = i % 10 < 3
            return TestCase(kind: .simple, name: "sleep_\(i).sh", uri: "sleep_\(i).sh",
                            tags: Tags(constrained ? ["arch": [i % 2 == 0 ? "aarch64" : "ppc64"]] : [:]))
        }
        let items = ScheduleSimulation.boundItems(tests: cases, actual: actual, hosts: hosts)
        let bound = MakespanBound.lowerBound(items, slots: Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, $0.slots) }))
        // The warm-up run fills the history: the timed run knows each test's duration.
        let withHistory = ScheduleSimulation.scheduler(tests: cases, actual: actual, expected: actual, hosts: hosts)
        let coldExpected = [Double](repeating: 0, count: tests)
        let cold = ScheduleSimulation.scheduler(tests: cases, actual: actual, expected: coldExpected, hosts: hosts)
        let rr = ScheduleSimulation.roundRobin(tests: cases, actual: actual, hosts: hosts)
        print("bench-schedule (SIMULATED: no SSH testbed; Scheduler driven in simulated time)")
        print(String(format: "  %d SIMPLE sleep tests, log-normal (seed %llu, mean %.3f s), 30 %% arch-constrained, 3 hosts × 2 slots",
                     tests, seed, actual.reduce(0, +) / Double(tests)))
        print(String(format: "  lower bound               : %.2f s  (max of longest test, Σdur/Σslots, per-arch Σ/slots)", bound))
        for (label, makespan, note) in [("qcoord (history warm)", withHistory, "   (target ≤ 1.05)"),
                                        ("qcoord (no history)", cold, ""), ("round-robin split", rr, "")] {
            print("  " + label.padding(toLength: 26, withPad: " ", startingAt: 0)
                  + String(format: ": makespan %6.2f s   ratio %.3f", makespan, makespan / bound) + note)
        }
    }
}
