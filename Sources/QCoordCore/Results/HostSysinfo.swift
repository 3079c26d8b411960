/// The job's `sysinfo/<host>/` files, from what each host's agent said in `ready` (as Avocado's
/// sysinfo keeps `uname -a`, the CPU and the software of the machine a job ran on). Pure.
public enum HostSysinfo {
    /// name → text, in a fixed order: `uname`, `cpu`, `memory`, `os` (what the agent read, when
    /// it could), `qemu` (one line per target: arch, binary, version), `software` (python,
    /// Avocado, pycotap, KVM).
    public static func files(_ facts: HostCapabilities) -> [(name: String, text: String)] {
        var out: [(String, String)] = []
        for name in ["uname", "cpu", "memory", "os"] {
            if let text = facts.sysinfo?[name], !text.isEmpty { out.append((name, text + "\n")) }
        }
        if facts.sysinfo?["cpu"] == nil { out.append(("cpu", "count: \(facts.cpus)\n")) }
        let qemu = facts.qemu.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.path) \($0.value.version)" }
        out.append(("qemu", qemu.isEmpty ? "no qemu-system binary found\n" : qemu.joined(separator: "\n") + "\n"))
        out.append(("software", """
            arch: \(facts.arch)
            python: \(facts.python)
            avocado: \(facts.avocado ?? "none")
            pycotap: \(facts.pycotap ?? "none")
            kvm: \(facts.kvm ? "usable" : "not usable")

            """))
        return out
    }
}
