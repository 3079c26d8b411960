import Testing
@testable import QCoordCore

/// `--loaders` as the seed (avocado-test-loaders.txt) describes it.
@Suite struct LoaderSpecTests {
    @Test("accepted spellings")
    func parse() throws {
        #expect(try LoaderSpec.parse("file").get() == LoaderSpec(loader: .file))
        #expect(try LoaderSpec.parse("file.SIMPLE").get() == LoaderSpec(loader: .file, types: [.simple]))
        #expect(try LoaderSpec.parse("file.PyUNITTEST").get().types == [.pyUnittest])
        #expect(try LoaderSpec.parse("external:/bin/echo -e").get().runner == ["/bin/echo", "-e"])
        #expect(try LoaderSpec.parse("external.EXTERNAL:/bin/sh -c 'echo hi'").get().runner == ["/bin/sh", "-c", "echo hi"])
        #expect(try LoaderSpec.parse("tap").get() == LoaderSpec(loader: .tap))
        #expect(try LoaderSpec.parse("@DEFAULT").get().loader == .defaults)
    }

    @Test("rejected spellings say what is accepted", arguments: ["vt", "file.TAP", "file.simple", "external:'open", "@DEFAULT:x", ""])
    func invalid(_ text: String) {
        guard case .failure(let error) = LoaderSpec.parse(text) else {
            Issue.record("\(text) should be rejected")
            return
        }
        #expect(error.description.contains("use one of: file"))
    }

    @Test("@DEFAULT injects the default loaders not named, in the order file, tap")
    func expand() {
        let specs = Project.loaders("file.SIMPLE", "file.INSTRUMENTED", "@DEFAULT", "external.EXTERNAL:/bin/echo")
        #expect(LoaderSpec.expand(specs).map(\.description) == ["file.SIMPLE", "file.INSTRUMENTED", "file", "tap", "external.EXTERNAL:/bin/echo"])
        #expect(LoaderSpec.expand(Project.loaders("tap", "@DEFAULT")).map(\.description) == ["tap", "file"])
        #expect(LoaderSpec.expand(Project.loaders("file", "tap", "@DEFAULT", "@DEFAULT")).map(\.description) == ["file", "tap"])
    }

    static var seedProject: Project {
        var p = Project()
        p.add("passtest.py", "from avocado import Test\nclass PassTest(Test):\n    def test(self): pass\n")
        p.add("/bin/echo", "\u{7F}ELF", executable: true)
        return p
    }

    static let seedReferences = ["passtest.py", "boot", "this_does_not_exist", "/bin/echo"]

    @Test("seed example 1: default loaders")
    func seedDefault() {
        #expect(Self.seedProject.listing(Self.seedReferences) == [
            "INSTRUMENTED passtest.py:PassTest.test", "MISSING boot", "MISSING this_does_not_exist", "SIMPLE /bin/echo",
        ])
    }

    @Test("seed example 2: @DEFAULT then an external runner takes what nothing else resolves")
    func seedExternal() throws {
        let resolution = Self.seedProject.resolve(Self.seedReferences, loaders: Project.loaders("@DEFAULT", "external:/bin/echo -e"))
        #expect(resolution.entries.map { "\($0.kind.rawValue) \($0.name)" } == [
            "INSTRUMENTED passtest.py:PassTest.test", "EXTERNAL boot", "EXTERNAL this_does_not_exist", "SIMPLE /bin/echo",
        ])
        #expect(resolution.entries[2].runner == ["/bin/echo", "-e"])
    }

    @Test("seed example 3: file.SIMPLE file.INSTRUMENTED @DEFAULT external.EXTERNAL:/bin/echo")
    func seedTyped() {
        let loaders = Project.loaders("file.SIMPLE", "file.INSTRUMENTED", "@DEFAULT", "external.EXTERNAL:/bin/echo")
        let resolution = Self.seedProject.resolve(Self.seedReferences, loaders: loaders)
        #expect(resolution.entries.map { "\($0.kind.rawValue) \($0.name)" } == [
            "INSTRUMENTED passtest.py:PassTest.test", "EXTERNAL boot", "EXTERNAL this_does_not_exist", "SIMPLE /bin/echo",
        ])
        #expect(resolution.reports[0].resolvedBy == "file.INSTRUMENTED")
        #expect(resolution.reports[0].attempts[0].loader == "file.SIMPLE")
    }

    @Test("a typed file loader refuses a file whose tests are of another type")
    func typedRefuses() {
        var p = Self.seedProject
        p.add("exectests.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n", executable: true)
        #expect(p.listing(["exectests.py"], loaders: Project.loaders("file.SIMPLE")) == ["MISSING exectests.py"])
        #expect(p.listing(["exectests.py"], loaders: Project.loaders("file.PyUNITTEST", "file")) == ["INSTRUMENTED exectests.py:A.test_a"])
    }

    @Test("TAP only when asked for: an executable is SIMPLE by default, TAP with --loaders tap")
    func tap() {
        var p = Project()
        p.add("t.sh", "#!/bin/sh\necho 1..1\n", executable: true)
        #expect(p.listing(["t.sh"]) == ["SIMPLE t.sh"])
        #expect(p.listing(["t.sh"], loaders: Project.loaders("tap")) == ["TAP t.sh"])
        #expect(p.listing(["t.sh", "x"], loaders: Project.loaders("tap", "@DEFAULT")) == ["TAP t.sh", "MISSING x"])
    }

    @Test("external without a runner resolves nothing and says why")
    func externalWithoutRunner() {
        let resolution = Self.seedProject.resolve(["x"], loaders: Project.loaders("external"))
        #expect(resolution.missing == ["x"])
        #expect(resolution.reports[0].attempts[0].info.contains("external:RUNNER"))
    }
}
