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
        scarceHosts()
    }

    /// Scarce hosts: 15 sleep tests with skewed durations under `--arch x86_64,ppc` (30 copies;
    /// ppc ones 1.5× slower, as emulated), ppc copies fit only h1, x86_64 copies h1 or h3. A
    /// scheduler that lets x86_64 copies take h1's slots leaves ppc work for the end.
    func scarceHosts() {
        let hosts = [
            ScheduleSimulation.Host(name: "h1", slots: 2, capabilities: BenchHosts.caps("h1", arch: "x86_64", qemu: ["x86_64", "ppc"])),
            .init(name: "h3", slots: 2, capabilities: BenchHosts.caps("h3", arch: "x86_64", qemu: ["x86_64"])),
        ]
        let base: [Double] = [6, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
        let tests = base.indices.map { TestCase(kind: .simple, name: "sleep_\($0).sh", uri: "sleep_\($0).sh") }
        let cases = ArchMatrix(arches: ["x86_64", "ppc"]).expand(tests)
        let actual = cases.map { base[Int($0.baseName.dropFirst(6).dropLast(3)) ?? 0] * ($0.matrixArch == "ppc" ? 1.5 : 1) }
        let items = ScheduleSimulation.boundItems(tests: cases, actual: actual, hosts: hosts)
        let bound = MakespanBound.lowerBound(items, slots: Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, $0.slots) }))
        let withHistory = ScheduleSimulation.scheduler(tests: cases, actual: actual, expected: actual, hosts: hosts)
        let cold = ScheduleSimulation.scheduler(tests: cases, actual: actual, expected: [Double](repeating: 0, count: cases.count), hosts: hosts)
        let fifo = ScheduleSimulation.firstFree(tests: cases, actual: actual, hosts: hosts)
        let rr = ScheduleSimulation.roundRobin(tests: cases, actual: actual, hosts: hosts)
        print("bench-schedule, scarce hosts (SIMULATED): 15 skewed sleep tests × --arch x86_64,ppc; ppc only on h1, x86_64 on h1 or h3; 2 hosts × 2 slots")
        print(String(format: "  lower bound               : %.2f s", bound))
        for (label, makespan, note) in [("qcoord (history warm)", withHistory, "   (target ≤ 1.05)"), ("qcoord (no history)", cold, ""),
                                        ("first free slot, job order", fifo, ""), ("round-robin split", rr, "")] {
            print("  " + label.padding(toLength: 26, withPad: " ", startingAt: 0)
                  + String(format: ": makespan %6.2f s   ratio %.3f", makespan, makespan / bound) + note)
        }
    }
}
