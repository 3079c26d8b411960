/// The job plan: for every test of a job, which target arch it runs as, which hosts may run it
/// (in order of preference) with the exact qemu binary on each, its parameters after arch
/// scoping and its time limit — or why no host can run it.
///
/// Made once, by `JobPlan.make`, a pure function of the tests, the job's settings and the
/// hosts' facts; `list`, `run --dry-run`, `run`, `replay` and `--resume` all use it, and nothing
/// downstream re-decides placement: the book chooses only among `hosts`, and the agent runs
/// exactly the `arch`, `qemu_bin` and `timeout_s` it is sent (docs/plan.md).
public struct JobPlan: Sendable, Hashable {
    /// One host as the plan sees it: its inventory name and what its agent reported in `ready`.
    public struct Host: Sendable, Hashable {
        public var name: String
        public var facts: HostCapabilities
        public init(name: String, facts: HostCapabilities) { self.name = name; self.facts = facts }
    }

    /// The job-wide inputs the plan folds in.
    public struct Settings: Sendable, Hashable {
        /// `-p k=v` for every test (below the test's own and per-arch parameters).
        public var params: [String: String]
        /// `-p A:k=v`: parameters for the tests that run as arch A.
        public var archParams: [String: [String: String]]
        /// `--timeout`: the limit of a test whose parameters set none.
        public var timeout: Double?
        /// Assets the coordinator could not have (its fetch failed: 404, hash mismatch, offline),
        /// by content key (`sha256:…`) or, without a hash, URL → why. A test needing one does not
        /// start: SKIP (FUNCTIONAL, as QEMU's `Asset` skips) or CANCEL (Avocado's
        /// `cancel_on_missing`), with the URL and the reason — never a run into a timeout.
        public var unavailableAssets: [String: String] = [:]

        public init(params: [String: String] = [:], archParams: [String: [String: String]] = [:], timeout: Double? = nil) {
            self.params = params
            var scoped: [String: [String: String]] = [:]
            for (arch, p) in archParams { scoped[ArchName.normalize(arch), default: [:]].merge(p) { _, new in new } }
            self.archParams = scoped
            self.timeout = timeout
        }
    }

    /// Where a task may run: an inventory host and the qemu binary it would use there (nil: the
    /// test does not use QEMU).
    public struct Placement: Sendable, Hashable {
        public var host: String
        /// The arch it runs as there: the target, or the host's own for an arch-neutral test.
        public var arch: String
        public var qemuBin: String?
        public init(host: String, arch: String, qemuBin: String?) { self.host = host; self.arch = arch; self.qemuBin = qemuBin }
    }

    /// One test of the job, in job order.
    public struct Task: Sendable, Hashable {
        public var name: String
        /// The target arch named by the test, `-p arch` or `--arch`; nil: arch-neutral (a QEMU
        /// test then runs as its host's own arch, see `placements`).
        public var arch: String?
        /// Whether the test runs a qemu-system binary (its host must hold one).
        public var usesQEMU: Bool
        /// Seconds; nil: no limit.
        public var timeout: Double?
        /// Everything the test is given as parameters: job-wide, per-arch, its own.
        public var params: [String: String]
        /// Eligible hosts, in order of preference; empty when none can run it.
        public var placements: [Placement]
        /// Why no host can run it (empty `placements` only).
        public var unplaceable: String?
        /// Tests planned alike (same kind, tags, parameters, matrix arch) share this number, and
        /// so their placements: the book queues them together. A test kept from running for its
        /// own reason (an asset that could not be had) has a negative number of its own.
        public var group: Int = 0
        /// The outcome when no host can run it though every host answered: CANCEL, or SKIP for a
        /// FUNCTIONAL test that needs KVM (as QEMU's `require_accelerator` skips it).
        public var unplacedStatus: TestStatus = .cancel

        public func placement(on host: String) -> Placement? { placements.first { $0.host == host } }
    }

    public var hosts: [Host]
    public var tasks: [Task]

    /// Tests with no eligible host, in job order.
    public var unplaceable: [Int] { tasks.indices.filter { tasks[$0].placements.isEmpty } }

    /// The plan: pure; tests with the same shape are planned once (20 000 tests stay cheap).
    public static func make(tests: [TestCase], settings: Settings, hosts: [Host]) -> JobPlan {
        var memo: [Shape: Task] = [:]
        var tasks: [Task] = []
        tasks.reserveCapacity(tests.count)
        for test in tests {
            let shape = Shape(kind: test.kind, tags: test.tags, params: test.params ?? [:], matrixArch: test.matrixArch,
                              functional: test.functional.map { FunctionalShape(meson: $0.meson, requiresKVM: $0.requiresKVM) })
            var task: Task
            if let known = memo[shape] {
                task = known
            } else {
                task = plan(test, settings: settings, hosts: hosts)
                task.group = memo.count
                memo[shape] = task
            }
            task.name = test.name
            if let missing = Self.missingAsset(of: test, settings.unavailableAssets) {
                task.placements = []
                task.unplaceable = missing
                task.unplacedStatus = test.kind == .functional ? .skip : .cancel
                // A group of its own: the scheduler takes one host set per group, and this test's
                // (none) must not become that of the tests planned alike that can run.
                task.group = -(tasks.count + 1)
            }
            tasks.append(task)
        }
        return JobPlan(hosts: hosts, tasks: tasks)
    }

    /// The first of the test's assets the coordinator could not have, said with its URL and why.
    static func missingAsset(of test: TestCase, _ unavailable: [String: String]) -> String? {
        guard !unavailable.isEmpty else { return nil }
        for asset in test.assets ?? [] {
            guard let key = asset.contentKey ?? asset.url, let why = unavailable[key] else { continue }
            return "asset \(asset.url ?? asset.name ?? key) could not be had: \(why)"
        }
        return nil
    }

    // MARK: the rules (ARCHITECTURE.md "Choosing the QEMU binary")

    /// The arches a test may run as, in preference order: `-p arch` (per test or job-wide), the
    /// matrix copy's arch, else its `arch:` tags; empty when it names none.
    public static func targetArches(of test: TestCase, params: [String: String]) -> [String] {
        if let arch = test.params?["arch"] ?? test.matrixArch ?? params["arch"] { return [ArchName.normalize(arch)] }
        var seen: Set<String> = []
        return (test.tags["arch"] ?? []).map(ArchName.normalize).sorted().filter { seen.insert($0).inserted }
    }

    /// A test uses QEMU when it names a target arch or a binary, or is INSTRUMENTED (an
    /// avocado_qemu test without an arch runs its host's own `qemu-system-ARCH`). SIMPLE, TAP,
    /// external and plain unittest tests without an arch do not.
    static func usesQEMU(_ test: TestCase, targets: [String], params: [String: String]) -> Bool {
        !targets.isEmpty || params["qemu_bin"] != nil || test.kind == .instrumented || test.kind == .functional
    }

    /// What a kind needs on its host besides QEMU: Avocado (INSTRUMENTED) or pycotap (FUNCTIONAL).
    enum Runner: String {
        case avocado = "Avocado (INSTRUMENTED)"
        case pycotap = "pycotap (FUNCTIONAL: QEMU's tests print TAP through it; `qcoord deploy` installs it)"

        init?(_ kind: TestKind) {
            switch kind {
            case .instrumented: self = .avocado
            case .functional: self = .pycotap
            default: return nil
            }
        }

        func has(_ facts: HostCapabilities) -> Bool {
            switch self {
            case .avocado: facts.avocado != nil
            case .pycotap: facts.pycotap != nil
            }
        }

        var short: String {
            switch self {
            case .avocado: "Avocado"
            case .pycotap: "pycotap"
            }
        }
    }

    private static func plan(_ test: TestCase, settings: Settings, hosts: [Host]) -> Task {
        let targets = targetArches(of: test, params: settings.params)
        // Parameters, lowest first: job-wide, the target arch's (`-p A:k=v`), the test's own.
        var params = settings.params
        if targets.count == 1, let scoped = settings.archParams[targets[0]] { params.merge(scoped) { _, new in new } }
        params.merge(test.params ?? [:]) { _, new in new }
        let uses = usesQEMU(test, targets: targets, params: params)
        let needsKVM = (test.tags["accel"]?.contains("kvm") ?? false) || (test.functional?.requiresKVM ?? false)
        // An INSTRUMENTED test runs under Avocado, a FUNCTIONAL one prints TAP through pycotap: on
        // a host whose `ready` found none it can only end ERROR.
        let runner = Runner(test.kind)
        let explicitBinary = params["qemu_bin"]
        let timeout = params["timeout"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
            ?? FunctionalMatrix.mesonTimeout(test) ?? settings.timeout
        if test.kind == .functional, FunctionalMatrix.isUserMode(test) {
            let target = targets.first ?? "?"
            return Task(name: test.name, arch: targets.first, usesQEMU: true, timeout: timeout, params: params, placements: [],
                        unplaceable: "a linux-user test (meson runs it with qemu-\(target)): qcoord places qemu-system binaries only")
        }
        var placements: [Placement] = []
        for host in hosts {
            let facts = host.facts
            if let runner, !runner.has(facts) { continue }
            if !uses {
                if needsKVM && !facts.kvm { continue }
                placements.append(Placement(host: host.name, arch: facts.arch, qemuBin: nil))
                continue
            }
            let candidates = targets.isEmpty ? [facts.arch] : targets
            for arch in candidates {
                if needsKVM && !(facts.kvm && arch == facts.arch) { continue }
                guard let bin = explicitBinary ?? facts.qemu[arch]?.path else { continue }
                placements.append(Placement(host: host.name, arch: arch, qemuBin: bin))
                break
            }
        }
        var task = Task(name: test.name, arch: targets.count == 1 ? targets[0] : nil, usesQEMU: uses, timeout: timeout,
                        params: params, placements: placements,
                        unplaceable: placements.isEmpty ? reason(targets: targets, needsKVM: needsKVM, runner: runner, hosts: hosts) : nil)
        if test.kind == .functional && needsKVM { task.unplacedStatus = .skip }
        return task
    }

    private static func reason(targets: [String], needsKVM: Bool, runner: Runner?, hosts: [Host]) -> String {
        guard !hosts.isEmpty else { return "no host to run it on" }
        if let runner, !hosts.contains(where: { runner.has($0.facts) }) {
            return "no host can run it: it needs \(runner.rawValue) and no host has it; hosts: "
                + hosts.map(\.name).joined(separator: ", ")
        }
        var need: String
        if needsKVM {
            need = targets.isEmpty ? "KVM on a host with its native qemu-system binary"
                : "KVM on a native \(targets.joined(separator: " or ")) host"
        } else if targets.isEmpty {
            need = "qemu-system-<host arch> (its host's own arch)"
        } else {
            need = targets.map { "qemu-system-\($0)" }.joined(separator: " or ")
        }
        if let runner, hosts.contains(where: { !runner.has($0.facts) }) { need += " on a host with \(runner.short)" }
        let inventory = hosts.map { host in
            let bins = host.facts.qemu.keys.sorted().joined(separator: ", ")
            let avocado = runner.map { $0.has(host.facts) ? "" : ", no \($0.short)" } ?? ""
            return "\(host.name) (\(host.facts.arch)\(host.facts.kvm ? ", kvm" : "")\(avocado): \(bins.isEmpty ? "no qemu-system binaries" : bins))"
        }.joined(separator: "; ")
        return "no host can run it: it needs \(need); hosts: \(inventory)"
    }

    private struct Shape: Hashable {
        var kind: TestKind
        var tags: Tags
        var params: [String: String]
        var matrixArch: String?
        var functional: FunctionalShape?
    }

    /// What of a FUNCTIONAL test the plan reads (not its id, skips or assets).
    private struct FunctionalShape: Hashable {
        var meson: [FunctionalMesonTest]
        var requiresKVM: Bool
    }
}
