import Testing
@testable import QCoordCore

/// Files that could not be read or parsed, and references that resolve to nothing: what `list`
/// and `run` do about them (ResolutionCheck, the one place both ask).
@Suite struct ResolutionCheckTests {
    static func project() -> Project {
        var p = Project()
        p.add("tests/good.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n")
        p.add("tests/sub/broken.py", "from avocado import Test\nclass B(Test):\n    def test_b(self):\n        x = \"never closed\n")
        return p
    }

    @Test("a broken file inside a directory is named with file:line and fails the job")
    func brokenFileInDirectory() {
        let resolution = Self.project().resolve(["tests"])
        #expect(resolution.tests.map(\.name) == ["tests/good.py:A.test_a"])
        #expect(resolution.missing.isEmpty)   // a directory reference is never MISSING
        let check = ResolutionCheck(resolution, command: .list, ignoreMissingReferences: false)
        #expect(check.unreadable.map(\.path) == ["tests/sub/broken.py"])
        #expect(check.unreadable.first?.line == 4)
        let line = check.fileLines.first
        #expect(line?.hasPrefix("qcoord: tests/sub/broken.py:4: cannot parse: ") == true)
        #expect(line?.hasSuffix(" — its tests are not in this job") == true)
        #expect(check.fileLines.count == 1)
        #expect(check.summaryLine == "1 file could not be read or parsed")
        #expect(check.failsJob)
        #expect(check.refusal == nil)   // list never refuses
        let run = ResolutionCheck(resolution, command: .run, ignoreMissingReferences: false)
        #expect(run.failsJob && run.refusal == nil)   // run runs the other tests, then fails
    }

    @Test("--ignore-missing-references: still named and counted, the job does not fail")
    func ignored() {
        let check = ResolutionCheck(Self.project().resolve(["tests"]), command: .run, ignoreMissingReferences: true)
        #expect(check.fileLines.count == 1)
        #expect(check.summaryLine?.hasPrefix("1 file could not be read or parsed") == true)
        #expect(!check.failsJob)
        #expect(check.refusal == nil)
    }

    @Test("run: a reference nothing resolves stops the job unless --ignore-missing-references")
    func missingReferences() {
        let resolution = Self.project().resolve(["tests/good.py", "nope.py"])
        let strict = ResolutionCheck(resolution, command: .run, ignoreMissingReferences: false)
        #expect(strict.refusal?.hasPrefix("No tests found for given test references: nope.py\n") == true)
        #expect(!strict.failsJob)
        #expect(ResolutionCheck(resolution, command: .run, ignoreMissingReferences: true).refusal == nil)
        #expect(ResolutionCheck(resolution, command: .list, ignoreMissingReferences: false).refusal == nil)
        // Nothing left at all: refused even with the flag.
        let none = Self.project().resolve(["nope.py"])
        #expect(ResolutionCheck(none, command: .run, ignoreMissingReferences: true).refusal?.hasPrefix("Suite is empty") == true)
        // A broken file given directly is MISSING and named.
        let direct = ResolutionCheck(Self.project().resolve(["tests/sub/broken.py"]), command: .run, ignoreMissingReferences: false)
        #expect(direct.refusal?.contains("tests/sub/broken.py") == true)
        #expect(direct.fileLines.count == 1)
    }

    @Test("a broken executable .py that runs as SIMPLE is in the job, so it is not counted")
    func brokenButSimple() {
        var p = Project()
        p.add("t/run.py", "#!/usr/bin/env python3\nx = (1,\n", executable: true)
        let resolution = p.resolve(["t"])
        #expect(resolution.parseErrors.count == 1)
        let check = ResolutionCheck(resolution, command: .list, ignoreMissingReferences: false)
        #expect(check.unreadable.isEmpty && !check.failsJob)
    }

    @Test("a .py file that cannot be read is named without a line")
    func unreadable() {
        var p = Project()
        p.add("t/good.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n")
        p.files["t/secret.py"] = InMemorySourceTree.File("from avocado import Test\n", readable: false)
        let check = ResolutionCheck(p.resolve(["t"]), command: .list, ignoreMissingReferences: false)
        #expect(check.fileLines == ["qcoord: t/secret.py: cannot be read (no read permission) — its tests are not in this job"])
        #expect(check.unreadable.first?.reading == true)
        #expect(check.failsJob)
    }

    @Test("reasons are one line")
    func oneLine() {
        #expect(OneLine.fold("plain") == "plain")
        #expect(OneLine.fold("Could not find qemu in:\n  /usr/bin\r\n\n  /opt/bin\n") == "Could not find qemu in: | /usr/bin | /opt/bin")
        #expect(OneLine.fold("a repr 'x\\ny' stays") == "a repr 'x\\ny' stays")
        let error = ParseError(path: "b.py", line: 3, message: "bad\nthing")
        #expect(!ResolutionCheck.line(error).contains("\n"))
    }
}
