/// Decides, from the hosts' `ready` reports, which hosts may run each test.
///
/// A test never goes to a host that cannot run it: a test that names an arch (the `arch`
/// parameter, else its `arch:` tags) needs that `qemu-system-ARCH` on the host; `accel:kvm`
/// needs a usable KVM and the host's own arch. An INSTRUMENTED test without an arch uses the
/// host's own arch, so hosts with their native binary are preferred; when no host has one,
/// any host may take it (the agent decides, and cancels it when it does need QEMU).
public struct Planner: Sendable {
    /// One host as the planner sees it.
    public struct Host: Sendable, Hashable {
        public var name: String
        public var ready: AgentMessage.Ready
        public init(name: String, ready: AgentMessage.Ready) { self.name = name; self.ready = ready }
    }

    /// Where one test may run: host name → the arch it would run as there (nil: the host's own
    /// arch, no particular binary required).
    public struct Eligibility: Sendable, Hashable {
        public var hosts: [String: String?]
        /// Why no host may run it (empty hosts only).
        public var reason: String?
        public var hostNames: [String] { hosts.keys.sorted() }
    }

    public var hosts: [Host]
    /// Job-wide parameters (`-p k=v`); `arch` there overrides a test's tags.
    public var params: [String: String]

    public init(hosts: [Host], params: [String: String] = [:]) {
        self.hosts = hosts
        self.params = params
    }

    /// The arches a test may run as, in preference order; empty when it names none.
    public func arches(of test: TestCase) -> [String] {
        if let arch = test.params?["arch"] ?? params["arch"] ?? test.matrixArch { return [ArchName.normalize(arch)] }
        return (test.tags["arch"] ?? []).map(ArchName.normalize).sorted()
    }

    public func eligibility(of test: TestCase) -> Eligibility {
        let wanted = arches(of: test)
        let needsKVM = test.tags["accel"]?.contains("kvm") ?? false
        let explicitBinary = params["qemu_bin"] != nil || test.params?["qemu_bin"] != nil
        var result: [String: String?] = [:]
        var fallback: [String: String?] = [:]
        for host in hosts {
            let caps = host.ready
            if wanted.isEmpty {
                if needsKVM && !(caps.kvm && caps.qemu[caps.arch] != nil) { continue }
                if test.kind != .instrumented || caps.qemu[caps.arch] != nil || explicitBinary {
                    result[host.name] = .some(nil)
                } else {
                    fallback[host.name] = .some(nil)
                }
                continue
            }
            let usable = wanted.first { arch in
                guard caps.qemu[arch] != nil || explicitBinary else { return false }
                return !needsKVM || (caps.kvm && arch == caps.arch)
            }
            if let usable { result[host.name] = .some(usable) }
        }
        if result.isEmpty && !needsKVM && wanted.isEmpty { result = fallback }
        guard result.isEmpty else { return Eligibility(hosts: result, reason: nil) }
        return Eligibility(hosts: [:], reason: reason(wanted: wanted, needsKVM: needsKVM))
    }

    private func reason(wanted: [String], needsKVM: Bool) -> String {
        let inventory = hosts.map { host in
            let bins = host.ready.qemu.keys.sorted().joined(separator: ", ")
            return "\(host.name) (\(host.ready.arch)\(host.ready.kvm ? ", kvm" : ""): \(bins.isEmpty ? "no qemu-system binaries" : bins))"
        }.joined(separator: "; ")
        let need: String
        if needsKVM {
            need = wanted.isEmpty ? "KVM on a host with its native qemu-system binary"
                : "KVM on a native \(wanted.joined(separator: " or ")) host"
        } else {
            need = wanted.map { "qemu-system-\($0)" }.joined(separator: " or ")
        }
        return hosts.isEmpty ? "no host to run it on" : "no host can run it: it needs \(need); hosts: \(inventory)"
    }
}
