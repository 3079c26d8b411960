import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport
import QCoordRun

extension QCoord {
    /// Hidden: the scheduling benchmarks behind `make bench-scale` and `make bench-schedule`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scheduling benchmarks (make bench-scale, make bench-schedule).",
            shouldDisplay: false, subcommands: [Scale.self, Schedule.self])
    }
}

extension QCoord.Bench {
    static func caps(_ name: String, arch: String, qemu: [String]) -> HostCapabilities {
        HostCapabilities(host: name, arch: arch, cpus: 4, kvm: false, python: "3.11", avocado: "113.0",
                         qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/usr/bin/qemu-system-\($0)", version: "7.2.0")) }))
    }

    /// The coordinator with in-process agents: 20 000 tests × 200 hosts, planning + scheduling + recording.
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The coordinator with in-process fake agents.")

        @Option var tests = 20_000
        @Option var hosts = 200
        @Option var slots = 4
        @Option(help: "Where the job directory and history go (default: /dev/shm when writable).") var dir: String?
        @Option(help: "CPU seconds of the previous version on this machine, to print the ratio.") var previousCPU: Double?
        @Option(name: .customLong("previous-mib"), help: "Peak MiB of the previous version on this machine, to print the ratio.") var previousMiB: Double?

        func run() async throws {
            // tmpfs by default: the figure is qcoord's work, not the disk's inode allocator.
            let base = dir ?? (access("/dev/shm", W_OK) == 0 ? "/dev/shm/" : NSTemporaryDirectory())
            let root = (base.hasSuffix("/") ? base : base + "/") + "qcoord-bench-scale-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: root) }
            var rng = SeededGenerator(seed: 42)
            let arches = ["aarch64", "ppc64", "s390x", "arm"]
            let cases: [TestCase] = (0..<tests).map { i in
                let tags: [String: Set<String>] = i % 10 < 3 ? ["arch": [arches[i % arches.count]]] : [:]
                return TestCase(kind: .instrumented, name: "tests/t\(i / 50).py:T\(i % 50).test_\(i)", uri: "tests/t\(i / 50).py", tags: Tags(tags))
            }
            var durations: [String: Double] = [:]
            for t in cases { durations[t.name] = rng.logNormal(mean: 30, sigma: 1) }
            let table = durations
            let before = Self.usage()
            let wall = Date()
            var links: [Coordinator.HostLink] = []
            for h in 0..<hosts {
                let name = "host\(h)"
                let caps: HostCapabilities = switch h % 4 {
                case 0: QCoord.Bench.caps(name, arch: "x86_64", qemu: ["x86_64", "aarch64", "arm"])
                case 1: QCoord.Bench.caps(name, arch: "aarch64", qemu: ["aarch64", "arm"])
                case 2: QCoord.Bench.caps(name, arch: "ppc64", qemu: ["ppc64", "x86_64"])
                default: QCoord.Bench.caps(name, arch: "s390x", qemu: ["s390x", "x86_64"])
                }
                links.append(.init(link: ScriptedAgentLink(host: name, capabilities: caps) { table[$0] ?? 1 }, slots: slots))
            }
            let directory = try JobDirectory.create(base: root, jobID: String(repeating: "0", count: 40), date: Date())
            let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl")
            let history = try TimingHistory(path: root + "/history.sqlite")
            var config = RunConfiguration(workdir: root)
            // As `qcoord run` does (`--timings` given: the history only records).
            config.schedule(timings: Timings(durations), history: history, exclusiveTag: nil)
            let coordinator = Coordinator(tests: cases, links: links, directory: directory, recorder: recorder,
                                          log: JobLog(path: directory.jobLog), config: config,
                                          console: Console(out: { _ in }, err: { _ in }))
            let results = await coordinator.run()
            let after = Self.usage()
            let passed = results.filter { $0.status == .pass }.count
            print("bench-scale: \(tests) tests × \(hosts) hosts (\(slots) slots each), in-process agents, job dir in \(root)")
            print(String(format: "  results      : %d PASS of %d", passed, results.count))
            print(String(format: "  wall time    : %.2f s", Date().timeIntervalSince(wall)))
            let cpu = after.cpu - before.cpu, mib = Double(after.maxRSSKiB) / 1024
            print(String(format: "  CPU time     : %.2f s (user %.2f + sys %.2f)   target < 2 s",
                         cpu, after.user - before.user, after.sys - before.sys)
                  + (previousCPU.map { String(format: "   (previous %.2f s: ×%.2f)", $0, cpu / $0) } ?? ""))
            print(String(format: "  peak memory  : %.1f MiB (ru_maxrss)   target < 300 MiB", mib)
                  + (previousMiB.map { String(format: "   (previous %.1f MiB: ×%.2f)", $0, mib / $0) } ?? ""))
            if passed != tests { throw ExitCode.failure }
        }

        static func usage() -> (cpu: Double, user: Double, sys: Double, maxRSSKiB: Int) {
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            let user = Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            let sys = Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
            return (user + sys, user, sys, Int(u.ru_maxrss))
        }
    }

    /// The schedule benchmark in simulated time: qcoord's Scheduler vs a round-robin split.
    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Makespan over the lower bound, simulated (no SSH testbed).")

        @Option var tests = 300
        @Option var seed: UInt64 = 2026

        func run() throws {
            // The testbed's shape: 3 hosts × 2 slots; aarch64 on two of them, ppc64 on one.
            let hosts = [
                ScheduleSimulation.Host(name: "h1", slots: 2, capabilities: QCoord.Bench.caps("h1", arch: "x86_64", qemu: ["x86_64", "aarch64"])),
                .init(name: "h2", slots: 2, capabilities: QCoord.Bench.caps("h2", arch: "x86_64", qemu: ["x86_64", "ppc64"])),
                .init(name: "h3", slots: 2, capabilities: QCoord.Bench.caps("h3", arch: "x86_64", qemu: ["x86_64", "aarch64"])),
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
}
