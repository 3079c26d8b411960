import Testing
@testable import QCoordCore

private func host(_ name: String, arch: String, kvm: Bool = false, qemu: [String]) -> Planner.Host {
    let bins = Dictionary(uniqueKeysWithValues: qemu.map { ($0, AgentMessage.QemuBinary(path: "/usr/bin/qemu-system-\($0)", version: "7.2")) })
    return Planner.Host(name: name, ready: AgentMessage.Ready(host: name, arch: arch, cpus: 2, kvm: kvm,
                                                             python: "3.11", avocado: nil, qemu: bins))
}

private func test(_ kind: TestKind = .instrumented, tags: [String: Set<String>] = [:]) -> TestCase {
    TestCase(kind: kind, name: "t.py:T.test", uri: "t.py", tags: Tags(tags))
}

private let lab = [
    host("h1", arch: "x86_64", kvm: true, qemu: ["x86_64", "i386"]),
    host("h2", arch: "aarch64", qemu: ["aarch64", "arm"]),
    host("h3", arch: "ppc64", qemu: ["ppc", "ppc64", "riscv64"]),
]

@Test func archTagNeedsThatBinary() {
    let e = Planner(hosts: lab).eligibility(of: test(tags: ["arch": ["aarch64"]]))
    #expect(e.hostNames == ["h2"])
    #expect(e.hosts["h2"] == .some("aarch64"))
}

@Test func severalArchTagsMayRunOnAnyOfThem() {
    let e = Planner(hosts: lab).eligibility(of: test(tags: ["arch": ["x86_64", "riscv64"]]))
    #expect(e.hostNames == ["h1", "h3"])
    #expect(e.hosts["h3"] == .some("riscv64"))
}

@Test func archParameterOverridesTags() {
    let e = Planner(hosts: lab, params: ["arch": "ppc"]).eligibility(of: test(tags: ["arch": ["x86_64"]]))
    #expect(e.hostNames == ["h3"])
}

@Test func unameNamesAreNormalized() {
    let e = Planner(hosts: lab).eligibility(of: test(tags: ["arch": ["arm64"]]))
    #expect(e.hostNames == ["h2"])
}

@Test func kvmNeedsNativeArchAndKVM() {
    let planner = Planner(hosts: lab)
    #expect(planner.eligibility(of: test(tags: ["arch": ["x86_64"], "accel": ["kvm"]])).hostNames == ["h1"])
    let none = planner.eligibility(of: test(tags: ["arch": ["i386"], "accel": ["kvm"]]))
    #expect(none.hosts.isEmpty)
    #expect(none.reason?.contains("KVM on a native i386 host") == true)
}

@Test func noHostHasTheBinary() throws {
    let e = Planner(hosts: lab).eligibility(of: test(tags: ["arch": ["s390x"]]))
    #expect(e.hosts.isEmpty)
    let reason = try #require(e.reason)
    #expect(reason.contains("qemu-system-s390x"))
    #expect(reason.contains("h2 (aarch64: aarch64, arm)"))
}

@Test func archlessInstrumentedPrefersHostsWithNativeBinary() {
    let hosts = [host("a", arch: "x86_64", qemu: ["aarch64"]), host("b", arch: "aarch64", qemu: ["aarch64"])]
    #expect(Planner(hosts: hosts).eligibility(of: test()).hostNames == ["b"])
    let noneNative = [host("a", arch: "x86_64", qemu: ["aarch64"])]
    #expect(Planner(hosts: noneNative).eligibility(of: test()).hostNames == ["a"])
}

@Test func simpleTestsRunAnywhere() {
    #expect(Planner(hosts: lab).eligibility(of: test(.simple)).hostNames == ["h1", "h2", "h3"])
}
