import Testing
import QCoordCore

@Suite struct ArchMatrixTests {
    static func test(_ name: String, arch: Set<String>? = nil, machine: String? = nil) -> TestCase {
        var tags: [String: Set<String>] = [:]
        if let arch { tags["arch"] = arch }
        if let machine { tags["machine"] = [machine] }
        return TestCase(kind: .instrumented, name: "t.py:T.\(name)", uri: "t.py", tags: Tags(tags))
    }

    @Test func neutralTestsRunOncePerArchTaggedOnlyForTheirListedArches() {
        let m = ArchMatrix(arches: ["x86_64", "aarch64", "ppc64"])
        let out = m.expand([Self.test("neutral"), Self.test("arm", arch: ["aarch64"]),
                            Self.test("two", arch: ["x86_64", "s390x", "ppc64"]), Self.test("none", arch: ["s390x"])])
        #expect(out.map(\.name) == [
            "t.py:T.neutral;arch=x86_64", "t.py:T.neutral;arch=aarch64", "t.py:T.neutral;arch=ppc64",
            "t.py:T.arm",
            "t.py:T.two;arch=x86_64", "t.py:T.two;arch=ppc64",
        ])
        #expect(out.map(\.arch) == ["x86_64", "aarch64", "ppc64", "aarch64", "x86_64", "ppc64"])
        #expect(out[1].baseName == "t.py:T.neutral")
        #expect(out[1].params?["arch"] == "aarch64")
        #expect(out[3].matrixArch == nil)
    }

    @Test func builtInMachinesUnlessTheTestOrTheUserNamesOne() {
        let m = ArchMatrix(arches: ["aarch64", "arm", "riscv64", "s390x", "x86_64", "ppc64"])
        let out = m.expand([Self.test("n")])
        #expect(out.map { $0.params?["machine"] } == ["virt", "virt", "virt", "none", nil, nil])
        #expect(m.expand([Self.test("n", machine: "raspi3b")]).allSatisfy { $0.params?["machine"] == nil })
        #expect(m.expand([Self.test("n")], jobParams: ["machine": "q35"]).allSatisfy { $0.params?["machine"] == nil })
        let perArch = ArchMatrix(arches: ["aarch64", "arm"], archParams: ["aarch64": ["machine": "sbsa-ref"]])
        #expect(perArch.expand([Self.test("n")]).map { $0.params?["machine"] } == ["sbsa-ref", "virt"])
    }

    @Test func perArchParametersGoToThatArchOnly() throws {
        let split = try #require(ArchMatrix.splitParameters(["timeout=5", "aarch64:cpu=max", "arm64:smp=2"]))
        #expect(split.job == ["timeout": "5"])
        #expect(split.perArch == ["aarch64": ["cpu": "max", "smp": "2"]])
        let out = ArchMatrix(arches: ["x86_64", "arm64"], archParams: split.perArch).expand([Self.test("n")])
        #expect(out[0].params == ["arch": "x86_64"])
        #expect(out[1].params == ["arch": "aarch64", "cpu": "max", "smp": "2", "machine": "virt"])
        #expect(ArchMatrix.splitParameters(["novalue"]) == nil)
        #expect(ArchMatrix.splitParameters([":k=v"]) == nil)
    }

    /// `-p machine=virt` with several arches goes to all of them: a warning names the per-arch form.
    @Test func plainArchSpecificParameterWithSeveralArchesWarns() {
        let warnings = ArchMatrix.sharedParameterWarnings(job: ["machine": "virt", "timeout": "5", "cpu": "max"], arches: ["x86_64", "aarch64"])
        #expect(warnings == [
            "'-p cpu=max' applies to every arch of '--arch x86_64,aarch64'; for one arch write '-p aarch64:cpu=max'",
            "'-p machine=virt' applies to every arch of '--arch x86_64,aarch64'; for one arch write '-p aarch64:machine=virt'",
        ])
        #expect(ArchMatrix.sharedParameterWarnings(job: ["machine": "virt"], arches: ["aarch64"]).isEmpty)
        #expect(ArchMatrix.sharedParameterWarnings(job: ["timeout": "5"], arches: ["x86_64", "aarch64"]).isEmpty)
        #expect(ArchMatrix.sharedParameterWarnings(job: [:], arches: ["x86_64", "aarch64"]).isEmpty)
    }

    @Test func archListIsNormalizedAndDeduplicated() {
        #expect(ArchMatrix.parseArches(["x86_64, arm64", "aarch64"]).map { ArchMatrix(arches: $0).arches } == ["x86_64", "aarch64"])
        #expect(ArchMatrix.parseArches([""]) == nil)
    }
}
