import Testing
@testable import QCoordCore

private func host(_ name: String, arch: String, kvm: Bool = false, qemu: [String], avocado: String? = "113.0") -> JobPlan.Host {
    let bins = Dictionary(uniqueKeysWithValues: qemu.map { ($0, AgentMessage.QemuBinary(path: "/opt/\(name)/qemu-system-\($0)", version: "10.0")) })
    return JobPlan.Host(name: name, facts: AgentMessage.Ready(host: "vm", arch: arch, cpus: 2, kvm: kvm,
                                                             python: "3.11", avocado: avocado, qemu: bins))
}

private func test(_ kind: TestKind = .instrumented, _ name: String = "t.py:T.test", tags: [String: Set<String>] = [:],
                  params: [String: String]? = nil) -> TestCase {
    TestCase(kind: kind, name: name, uri: "t.py", tags: Tags(tags), params: params)
}

private let lab = [
    host("h1", arch: "x86_64", kvm: true, qemu: ["x86_64", "i386", "ppc"]),
    host("h2", arch: "aarch64", qemu: ["aarch64", "arm"]),
    host("h3", arch: "x86_64", qemu: ["x86_64", "riscv64"]),
]

private func plan(_ tests: [TestCase], _ settings: JobPlan.Settings = .init(), hosts: [JobPlan.Host] = lab) -> JobPlan {
    JobPlan.make(tests: tests, settings: settings, hosts: hosts)
}

@Suite struct JobPlanTests {
    @Test func archTagNeedsThatBinaryAndNamesItsPathOnEachHost() {
        let t = plan([test(tags: ["arch": ["aarch64"]])]).tasks[0]
        #expect(t.placements == [.init(host: "h2", arch: "aarch64", qemuBin: "/opt/h2/qemu-system-aarch64")])
        #expect(t.arch == "aarch64")
        #expect(t.usesQEMU)
    }

    @Test func severalArchTagsMayRunOnAnyOfThemInHostOrder() {
        let t = plan([test(tags: ["arch": ["x86_64", "riscv64"]])]).tasks[0]
        #expect(t.placements.map(\.host) == ["h1", "h3"])
        #expect(t.placements[1].arch == "riscv64" || t.placements[1].arch == "x86_64")
        #expect(t.arch == nil)
    }

    @Test func archParameterOverridesTags() {
        let t = plan([test(tags: ["arch": ["x86_64"]])], .init(params: ["arch": "ppc"])).tasks[0]
        #expect(t.placements.map(\.host) == ["h1"])
        #expect(t.placements[0].qemuBin == "/opt/h1/qemu-system-ppc")
    }

    @Test func unameAndDebianNamesAreNormalized() {
        #expect(plan([test(tags: ["arch": ["arm64"]])]).tasks[0].placements.map(\.host) == ["h2"])
        #expect(plan([test(tags: ["arch": ["amd64"]])]).tasks[0].placements.map(\.host) == ["h1", "h3"])
    }

    @Test func kvmNeedsNativeArchAndKVM() throws {
        let p = plan([test(tags: ["arch": ["x86_64"], "accel": ["kvm"]]), test(tags: ["arch": ["i386"], "accel": ["kvm"]])])
        #expect(p.tasks[0].placements.map(\.host) == ["h1"])
        #expect(p.tasks[1].placements.isEmpty)
        #expect(try #require(p.tasks[1].unplaceable).contains("KVM on a native i386 host"))
    }

    @Test func noHostHasTheBinary() throws {
        let t = plan([test(tags: ["arch": ["s390x"]])]).tasks[0]
        #expect(t.placements.isEmpty)
        let reason = try #require(t.unplaceable)
        #expect(reason.contains("qemu-system-s390x"))
        #expect(reason.contains("h2 (aarch64: aarch64, arm)"))
    }

    /// The bug that started the redesign: an arch-neutral INSTRUMENTED test went to hosts
    /// without its host's own binary through an "any host" fallback, and was CANCELled there.
    @Test func archNeutralInstrumentedNeedsTheHostsOwnBinaryWithNoFallback() throws {
        let hosts = [host("a", arch: "x86_64", qemu: ["aarch64"]), host("b", arch: "aarch64", qemu: ["aarch64"]),
                     host("c", arch: "x86_64", qemu: ["x86_64"])]
        let t = plan([test()], hosts: hosts).tasks[0]
        #expect(t.placements == [.init(host: "b", arch: "aarch64", qemuBin: "/opt/b/qemu-system-aarch64"),
                                 .init(host: "c", arch: "x86_64", qemuBin: "/opt/c/qemu-system-x86_64")])
        let none = plan([test()], hosts: [host("a", arch: "x86_64", qemu: ["aarch64"])]).tasks[0]
        #expect(none.placements.isEmpty)
        #expect(try #require(none.unplaceable).contains("qemu-system-<host arch>"))
    }

    @Test func testsThatDoNotUseQEMURunAnywhereAsTheHostsArchWithNoBinary() {
        for kind in [TestKind.simple, .tap, .external, .pyUnittest] {
            let t = plan([test(kind)]).tasks[0]
            #expect(!t.usesQEMU)
            #expect(t.placements == [.init(host: "h1", arch: "x86_64", qemuBin: nil), .init(host: "h2", arch: "aarch64", qemuBin: nil),
                                     .init(host: "h3", arch: "x86_64", qemuBin: nil)])
        }
        // With an arch, a SIMPLE test does use QEMU.
        #expect(plan([test(.simple, tags: ["arch": ["arm"]])]).tasks[0].placements.map(\.qemuBin) == ["/opt/h2/qemu-system-arm"])
    }

    @Test func anExplicitBinaryIsUsedOnEveryHost() {
        let t = plan([test(tags: ["arch": ["ppc64"]])], .init(params: ["qemu_bin": "/build/qemu-system-ppc64"])).tasks[0]
        #expect(t.placements.map(\.host) == ["h1", "h2", "h3"])
        #expect(Set(t.placements.map(\.qemuBin)) == ["/build/qemu-system-ppc64"])
    }

    @Test func timeoutFromEverySourceInOrder() {
        let tests = [test(tags: ["arch": ["aarch64"]]), test(tags: ["arch": ["x86_64"]]),
                     test(tags: ["arch": ["x86_64"]], params: ["timeout": "7"])]
        let settings = JobPlan.Settings(params: ["timeout": "30"], archParams: ["arm64": ["timeout": "90"]], timeout: 120)
        let p = plan(tests, settings)
        #expect(p.tasks.map(\.timeout) == [90, 30, 7])
        #expect(plan([test()], .init(timeout: 120)).tasks[0].timeout == 120)
        #expect(plan([test()]).tasks[0].timeout == nil)
    }

    @Test func perArchParametersApplyToThatArchOnly() {
        let settings = JobPlan.Settings(params: ["machine": "pc"], archParams: ["aarch64": ["machine": "virt"]])
        let p = plan([test(tags: ["arch": ["aarch64"]]), test(tags: ["arch": ["x86_64"]]), test(.simple)], settings)
        #expect(p.tasks.map { $0.params["machine"] } == ["virt", "pc", "pc"])
    }

    @Test func matrixCopiesArePlannedByTheirArch() {
        let copies = ArchMatrix(arches: ["x86_64", "aarch64", "ppc64"]).expand([test()])
        let p = plan(copies)
        #expect(p.tasks.map(\.name) == ["t.py:T.test;arch=x86_64", "t.py:T.test;arch=aarch64", "t.py:T.test;arch=ppc64"])
        #expect(p.tasks.map { $0.placements.map(\.host) } == [["h1", "h3"], ["h2"], []])
        #expect(p.unplaceable == [2])
    }

    @Test func everyTaskKeepsItsOwnNameWhenShapesAreShared() {
        let p = plan([test(.simple, "a.sh"), test(.simple, "b.sh")])
        #expect(p.tasks.map(\.name) == ["a.sh", "b.sh"])
    }

    @Test func verdictsCancelWhenEveryHostAnsweredElseError() throws {
        let p = plan([test(tags: ["arch": ["x86_64"]]), test(tags: ["arch": ["s390x"]])])
        let cancel = try #require(p.verdicts(unreachable: [])[1])
        #expect(cancel.status == .cancel)
        #expect(p.verdicts(unreachable: [])[0] == nil)
        let error = try #require(p.verdicts(unreachable: [.init(name: "h9", reason: "connection refused")])[1])
        #expect(error.status == .error)
        #expect(error.reason.hasPrefix("infrastructure: host(s) h9 could not be reached and might have run it; no host can run it"))
    }

    @Test func renderShowsHostsBinariesAndTheTestsThatCannotRun() {
        let text = plan([test(tags: ["arch": ["aarch64"]]), test(tags: ["arch": ["s390x"]])], .init(timeout: 60)).render()
        #expect(text.contains("t.py:T.test -> h2 (/opt/h2/qemu-system-aarch64); timeout 60 s\n"))
        #expect(text.contains("-> none: CANCEL no host can run it"))
        #expect(text.hasSuffix("1 of 2 tests cannot run on any reachable host.\n"))
    }

    @Test func documentListsTasksAndUnplaceableApart() {
        let doc = plan([test(.simple, "a.sh"), test(tags: ["arch": ["s390x"]])]).document
        #expect(doc.tasks.map(\.name) == ["a.sh"])
        #expect(doc.tasks[0].hosts.map(\.qemuBin) == [nil, nil, nil])
        #expect(doc.unplaceable.map(\.name) == ["t.py:T.test"])
    }

    // An INSTRUMENTED test on a host whose `ready` found no Avocado could only end ERROR.
    @Test func instrumentedTestsGoOnlyToHostsWithAvocado() {
        let hosts = [host("h1", arch: "x86_64", qemu: ["x86_64"], avocado: nil), host("h3", arch: "x86_64", qemu: ["x86_64"])]
        let p = plan([test(tags: ["arch": ["x86_64"]]), test(.simple, "a.sh")], hosts: hosts)
        #expect(p.tasks[0].placements.map(\.host) == ["h3"])
        #expect(p.tasks[1].placements.map(\.host) == ["h1", "h3"])
        // Only h1 has its binary, and h1 has no Avocado: the reason says so.
        let only = plan([test(tags: ["arch": ["i386"]])], hosts: [host("h1", arch: "x86_64", qemu: ["i386"], avocado: nil),
                                                                 host("h3", arch: "x86_64", qemu: ["x86_64"])])
        #expect(only.tasks[0].unplaceable?.contains("h1 (x86_64, no Avocado: i386)") == true, "\(only.tasks[0].unplaceable ?? "")")
    }

    @Test func instrumentedTestsWithoutAnyAvocadoHostAreUnplaceableAndSayWhy() {
        let hosts = [host("h1", arch: "x86_64", qemu: ["x86_64"], avocado: nil)]
        let p = plan([test(tags: ["arch": ["x86_64"]]), test(.simple, "a.sh")], hosts: hosts)
        #expect(p.unplaceable == [0])
        #expect(p.tasks[0].unplaceable?.contains("needs Avocado") == true)
        #expect(p.verdicts(unreachable: [])[0]?.status == .cancel)
    }
}

@Suite struct JobPlanFunctionalTests {
    private func copy(_ target: String, timeout: Int = 120, kvm: Bool = false, mode: FunctionalMode = .system) -> TestCase {
        let m = FunctionalMesonTest(target: target, mode: mode, speed: .quick, name: "x", file: "test_x.py", timeout: timeout)
        let t = TestCase(kind: .functional, name: "tests/functional/test_x.py:X.test_a", uri: "tests/functional/test_x.py",
                         functional: FunctionalTest(unittestID: "test_x.X.test_a", meson: [m], requiresKVM: kvm))
        return FunctionalMatrix().expand([t])[0]
    }

    private func withPycotap(_ h: JobPlan.Host, _ version: String? = "1.3.1") -> JobPlan.Host {
        var h = h
        h.facts.pycotap = version
        return h
    }

    @Test func runsOnHostsWithTheTargetBinaryAndPycotapWithMesonTimeout() {
        let hosts = [withPycotap(lab[0]), withPycotap(lab[1]), withPycotap(lab[2], nil)]
        let t = plan([copy("x86_64")], hosts: hosts).tasks[0]
        #expect(t.placements == [.init(host: "h1", arch: "x86_64", qemuBin: "/opt/h1/qemu-system-x86_64")])
        #expect(t.timeout == 120)
        #expect(t.usesQEMU)
        // -p timeout= (or -p ARCH:timeout=) beats meson's; meson's beats --timeout.
        #expect(plan([copy("x86_64")], .init(params: ["timeout": "7"], timeout: 3), hosts: hosts).tasks[0].timeout == 7)
        #expect(plan([copy("x86_64")], .init(archParams: ["x86_64": ["timeout": "9"]]), hosts: hosts).tasks[0].timeout == 9)
        #expect(plan([copy("x86_64")], .init(timeout: 3), hosts: hosts).tasks[0].timeout == 120)
    }

    @Test func noPycotapAnywhereSaysToDeploy() {
        let t = plan([copy("x86_64")]).tasks[0]
        #expect(t.placements.isEmpty)
        #expect(t.unplaceable?.contains("pycotap") == true)
        #expect(t.unplaceable?.contains("qcoord deploy") == true)
    }

    @Test func kvmTestOnlyOnNativeKVMHostElsePlannedSkip() {
        let hosts = lab.map { withPycotap($0) }
        let ok = plan([copy("x86_64", kvm: true)], hosts: hosts)
        #expect(ok.tasks[0].placements.map(\.host) == ["h1"])
        let none = plan([copy("aarch64", kvm: true)], hosts: hosts)
        #expect(none.tasks[0].placements.isEmpty)
        let verdict = none.verdicts(unreachable: [])[0]
        #expect(verdict?.status == .skip)
        #expect(verdict?.reason.contains("KVM on a native aarch64 host") == true)
    }

    @Test func linuxUserTestsAreUnplaceableWithTheReason() {
        let t = plan([copy("arm", mode: .linuxuser)], hosts: lab.map { withPycotap($0) }).tasks[0]
        #expect(t.placements.isEmpty)
        #expect(t.unplaceable?.contains("qemu-arm") == true)
    }
}

@Suite struct JobPlanAssetTests {
    static let kernel = AssetRef(url: "http://127.0.0.1:1/vmlinuz", hash: String(repeating: "a", count: 64), algorithm: .sha256)
    static let initrd = AssetRef(url: "http://127.0.0.1:1/initrd", hash: String(repeating: "b", count: 64), algorithm: .sha256)

    @Test func aTestWhoseAssetCouldNotBeHadDoesNotStartSkipForFunctionalCancelForAvocado() {
        var settings = JobPlan.Settings()
        settings.unavailableAssets = [Self.kernel.contentKey!: "HTTP 404"]
        let avocado = TestCase(kind: .instrumented, name: "t.py:T.test_boot", uri: "t.py", tags: Tags(["arch": ["x86_64"]]),
                               assets: [Self.initrd, Self.kernel])
        var functional = TestCase(kind: .functional, name: "f.py:F.test;arch=x86_64", uri: "f.py", matrixArch: "x86_64",
                                  functional: FunctionalTest(unittestID: "f.F.test"), assets: [Self.kernel])
        functional.functional?.meson = []
        let untouched = TestCase(kind: .instrumented, name: "t.py:T.test_other", uri: "t.py", tags: Tags(["arch": ["x86_64"]]),
                                 assets: [Self.initrd])
        var hosts = lab
        for i in hosts.indices { hosts[i].facts.pycotap = "1.3.1" }
        let p = JobPlan.make(tests: [avocado, functional, untouched], settings: settings, hosts: hosts)
        let verdicts = p.verdicts(unreachable: [])
        #expect(verdicts[0] == .init(status: .cancel, reason: "asset http://127.0.0.1:1/vmlinuz could not be had: HTTP 404"))
        #expect(verdicts[1]?.status == .skip)
        #expect(verdicts[2] == nil)
        #expect(p.tasks[2].placements.map(\.host) == ["h1", "h3"])
    }
}

extension JobPlanAssetTests {
    /// The first test of a shape kept back by a missing asset must not leave the others of that
    /// shape with no host in the scheduler (it takes one host set per group): they would wait forever.
    @Test func aTestKeptBackByItsAssetDoesNotStrandTheTestsPlannedAlike() {
        var settings = JobPlan.Settings()
        settings.unavailableAssets = [Self.kernel.contentKey!: "HTTP 404"]
        let blocked = TestCase(kind: .instrumented, name: "t.py:T.test_a", uri: "t.py", tags: Tags(["arch": ["x86_64"]]),
                               assets: [Self.kernel])
        let fine = TestCase(kind: .instrumented, name: "t.py:T.test_b", uri: "t.py", tags: Tags(["arch": ["x86_64"]]),
                            assets: [Self.initrd])
        let p = JobPlan.make(tests: [blocked, fine], settings: settings, hosts: lab)
        #expect(p.tasks[0].group != p.tasks[1].group)
        var scheduler = Scheduler(plan: p)
        let assigned = scheduler.handle(.hostUp(host: "h1", slots: 2))
        #expect(assigned.map(\.test) == [1])
    }
}
