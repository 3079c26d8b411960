import QCoordCore

/// The hosts the scheduling benchmarks simulate.
public enum BenchHosts {
    /// What an x86_64-like agent with these qemu-system binaries reports.
    public static func caps(_ name: String, arch: String, qemu: [String]) -> HostCapabilities {
        HostCapabilities(host: name, arch: arch, cpus: 4, kvm: false, python: "3.11", avocado: "113.0",
                         qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/usr/bin/qemu-system-\($0)", version: "7.2.0")) }))
    }
}
