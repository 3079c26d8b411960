import Testing
import QCoordCore

@Suite struct HostSysinfoTests {
    @Test func filesFromTheAgentsReady() {
        let facts = HostCapabilities(host: "vm", arch: "aarch64", cpus: 4, kvm: true, python: "3.11.2", avocado: "113.0",
                                     qemu: ["x86_64": .init(path: "/usr/bin/qemu-system-x86_64", version: "10.0.2"),
                                            "aarch64": .init(path: "/usr/bin/qemu-system-aarch64", version: "10.0.2")],
                                     pycotap: "1.3.1",
                                     sysinfo: ["uname": "Linux h1 6.1.0 #1 SMP aarch64", "cpu": "model: Neoverse-N1\ncount: 4",
                                               "memory": "8000000 kB", "os": "Debian GNU/Linux 12 (bookworm)"])
        let files = HostSysinfo.files(facts)
        #expect(files.map(\.name) == ["uname", "cpu", "memory", "os", "qemu", "software"])
        #expect(files[0].text == "Linux h1 6.1.0 #1 SMP aarch64\n")
        #expect(files[4].text == "aarch64 /usr/bin/qemu-system-aarch64 10.0.2\nx86_64 /usr/bin/qemu-system-x86_64 10.0.2\n")
        #expect(files[5].text.contains("avocado: 113.0\n") && files[5].text.contains("kvm: usable\n"))
    }

    @Test func anOlderAgentStillGivesTheQemuAndTheCPUCount() {
        let facts = HostCapabilities(host: "vm", arch: "x86_64", cpus: 2, kvm: false, python: "3.8", avocado: nil, qemu: [:])
        let files = HostSysinfo.files(facts)
        #expect(files.map(\.name) == ["cpu", "qemu", "software"])
        #expect(files[0].text == "count: 2\n")
        #expect(files[1].text == "no qemu-system binary found\n")
        #expect(files[2].text.contains("avocado: none\n"))
    }
}
