import Testing
@testable import QCoordCore

private func host(_ name: String, qemu: [String]) -> Planner.Host {
    let bins = Dictionary(uniqueKeysWithValues: qemu.map { ($0, AgentMessage.QemuBinary(path: "/usr/bin/qemu-system-\($0)", version: "7.2")) })
    return Planner.Host(name: name, ready: AgentMessage.Ready(host: name, arch: "x86_64", cpus: 2, kvm: false,
                                                             python: "3.11", avocado: "113.0", qemu: bins))
}

private let tests = [
    TestCase(kind: .instrumented, name: "a.py:X.test", uri: "a.py", tags: Tags(["arch": ["x86_64"]])),
    TestCase(kind: .instrumented, name: "a.py:Z.test", uri: "a.py", tags: Tags(["arch": ["s390x"]])),
    TestCase(kind: .simple, name: "s.sh", uri: "s.sh"),
]
private let planner = Planner(hosts: [host("h1", qemu: ["x86_64"]), host("h2", qemu: ["aarch64"])])

@Test func eachTestGetsTheHostsThatCanRunIt() {
    let r = HostRouting(tests: tests, planner: planner, unreachable: [])
    #expect(r.eligible[0] == ["h1"])
    #expect(r.eligible[2] == ["h1", "h2"])
    #expect(r.mayRun(0, on: "h1") && !r.mayRun(0, on: "h2"))
    #expect(r.verdicts.keys.sorted() == [1])
}

@Test func noHostCanRunItEveryHostAnsweredCancelWithThePlannersReason() throws {
    let v = try #require(HostRouting(tests: tests, planner: planner, unreachable: []).verdicts[1])
    #expect(v.status == .cancel)
    #expect(v.reason.contains("qemu-system-s390x") && v.reason.contains("h2 (x86_64: aarch64)"))
}

@Test func anUnreachableHostMightHaveRunItError() throws {
    let r = HostRouting(tests: tests, planner: planner, unreachable: [.init(name: "h9", reason: "connection refused")])
    let v = try #require(r.verdicts[1])
    #expect(v.status == .error)
    #expect(v.reason.contains("h9 could not be reached"))
    // Tests the reachable hosts can run are not affected.
    #expect(r.verdicts[0] == nil && r.verdicts[2] == nil)
}

@Test func thePlanListsHostsAndTheUnrunnable() {
    let text = HostRouting(tests: tests, planner: planner, unreachable: []).render(tests: tests)
    #expect(text.contains("a.py:X.test -> h1\n"))
    #expect(text.contains("s.sh -> h1, h2\n"))
    #expect(text.contains("a.py:Z.test -> none: CANCEL "))
    #expect(text.contains("1 of 3 tests cannot run"))
}
