import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordBench
import QCoordCore
import QCoordReport
import QCoordRun

/// `make bench-scale`: 20 000 tests × 200 hosts, planning + scheduling + recording.
struct ScaleBench {
    var tests = 20_000
    var hosts = 200
    var slots = 4
    /// Where the job directory and history go (default: /dev/shm when writable).
    var dir: String?
    /// CPU seconds and peak MiB of the previous version on this machine, to print the ratios.
    var previousCPU: Double?
    var previousMiB: Double?

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
            case 0: BenchHosts.caps(name, arch: "x86_64", qemu: ["x86_64", "aarch64", "arm"])
            case 1: BenchHosts.caps(name, arch: "aarch64", qemu: ["aarch64", "arm"])
            case 2: BenchHosts.caps(name, arch: "ppc64", qemu: ["ppc64", "x86_64"])
            default: BenchHosts.caps(name, arch: "s390x", qemu: ["s390x", "x86_64"])
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
        if passed != tests { throw BenchFailure(message: "\(passed) of \(tests) tests passed") }
    }

    static func usage() -> (cpu: Double, user: Double, sys: Double, maxRSSKiB: Int) {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        let user = Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        let sys = Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
        return (user + sys, user, sys, Int(u.ru_maxrss))
    }
}

