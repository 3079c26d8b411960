import Testing
@testable import QCoordCore

/// INSTRUMENTED / PyUNITTEST discovery rules of avocado-113.md §1.
@Suite struct TestResolverTests {
    @Test("avocado.Test directly, aliased, as avocado.Test, via import avocado.utils")
    func directForms() {
        var p = Project()
        p.add("direct.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n    def helper(self): pass\n")
        p.add("alias.py", "from avocado import Test as T\nclass A(T):\n    def test_a(self): pass\n")
        p.add("mod.py", "import avocado\nclass A(avocado.Test):\n    def test_a(self): pass\n")
        p.add("modalias.py", "import avocado as av\nclass A(av.Test):\n    def test_a(self): pass\n")
        p.add("sub.py", "import avocado.utils\nclass A(avocado.Test):\n    def test_a(self): pass\n")
        p.add("wrong.py", "import avocado\nclass A(avocado.TestCase):\n    def test_a(self): pass\n")
        #expect(p.listing(["direct.py", "alias.py", "mod.py", "modalias.py", "sub.py", "wrong.py"]) == [
            "INSTRUMENTED direct.py:A.test_a", "INSTRUMENTED alias.py:A.test_a", "INSTRUMENTED mod.py:A.test_a",
            "INSTRUMENTED modalias.py:A.test_a", "INSTRUMENTED sub.py:A.test_a", "MISSING wrong.py",
        ])
    }

    @Test("test methods: test* only, @property skipped, async def counts, first definition wins")
    func methods() {
        var p = Project()
        p.add("m.py", """
            from avocado import Test
            class A(Test):
                def test_b(self):
                    '''
                    :avocado: tags=first
                    '''
                @property
                def test_prop(self): pass
                async def test_async(self): pass
                def testx(self): pass
                def _test(self): pass
                def test_b(self):
                    '''
                    :avocado: tags=second
                    '''
            """)
        let tests = p.resolve(["m.py"]).tests
        #expect(tests.map(\.name) == ["m.py:A.test_b", "m.py:A.test_async", "m.py:A.testx"])
        #expect(tests[0].tags == Tags(["first": []]))
    }

    @Test("avocado_qemu beside the test: QemuSystemTest found in the test's own directory")
    func avocadoQemuPackage() {
        var p = Project()
        p.add("tests/avocado_qemu/__init__.py", """
            from avocado import Test
            class QemuBaseTest(Test):
                '''
                :avocado: tags=qemu
                '''
            class QemuSystemTest(QemuBaseTest):
                pass
            class LinuxTest(QemuSystemTest):
                def test_linux(self): pass
            """)
        p.add("tests/boot.py", """
            from avocado_qemu import QemuSystemTest, LinuxTest
            class Boot(QemuSystemTest):
                '''
                :avocado: tags=arch:x86_64
                '''
                def test_pc(self): pass
            class Linux(LinuxTest):
                def test_own(self): pass
            """)
        #expect(p.listing(["tests/boot.py"]) == [
            "INSTRUMENTED tests/boot.py:Boot.test_pc", "INSTRUMENTED tests/boot.py:Linux.test_own",
            "INSTRUMENTED tests/boot.py:Linux.test_linux",
        ])
        // A tags-only parent (QemuBaseTest has no test methods) contributes no tags.
        #expect(p.tags("tests/boot.py")["tests/boot.py:Boot.test_pc"] == Tags(["arch": ["x86_64"]]))
        // Without the package nothing resolves.
        var q = Project()
        q.add("tests/boot.py", "from avocado_qemu import QemuSystemTest\nclass Boot(QemuSystemTest):\n    def test_pc(self): pass\n")
        #expect(q.listing(["tests/boot.py"]) == ["MISSING tests/boot.py"])
    }

    @Test("tags: class value replaces method value per key; inherited methods get the child's tags laid over")
    func tagMerging() {
        var p = Project()
        p.add("t.py", """
            from avocado import Test
            class Parent(Test):
                '''
                :avocado: tags=parent,shared:parent
                '''
                def test_inherited(self):
                    '''
                    :avocado: tags=method,shared:method
                    '''
            class Child(Parent):
                '''
                :avocado: tags=shared:child,arch:x86_64
                '''
                def test_own(self):
                    '''
                    :avocado: tags=arch:ppc64,arch:s390x,own
                    '''
            """)
        let tags = p.tags("t.py")
        #expect(tags["t.py:Parent.test_inherited"] == Tags(["parent": [], "shared": ["parent"], "method": []]))
        // Own method: class replaces arch; the parent's class tags fill keys the method lacks.
        #expect(tags["t.py:Child.test_own"] == Tags(["arch": ["x86_64"], "own": [], "shared": ["child"], "parent": []]))
        // Inherited method: the child's class tags are laid over.
        #expect(tags["t.py:Child.test_inherited"] == Tags(["parent": [], "shared": ["child"], "method": [], "arch": ["x86_64"]]))
    }

    @Test("multi-level parents in one module, overridden methods de-duplicated by name")
    func multiLevel() {
        var p = Project()
        p.add("chain.py", """
            from avocado import Test
            class Base(Test):
                def test_base(self): pass
                def test_over(self):
                    '''
                    :avocado: tags=base
                    '''
            class Mid(Base):
                def test_over(self): pass
            class Leaf(Mid):
                def test_leaf(self): pass
            """)
        let names = p.resolve(["chain.py"]).tests.map(\.name)
        #expect(names.filter { $0.hasPrefix("chain.py:Leaf.") } == ["chain.py:Leaf.test_leaf", "chain.py:Leaf.test_over", "chain.py:Leaf.test_base"])
        #expect(p.tags("chain.py")["chain.py:Leaf.test_over"] == Tags(["base": []]))  // parent's tags fill in
    }

    @Test(":avocado: enable, disable, recursive")
    func directives() {
        var p = Project()
        p.add("d.py", """
            from avocado import Test
            class Mixin(object):
                def test_mixin(self): pass
            class Enabled(Mixin):
                '''
                :avocado: enable
                '''
                def test_enabled(self): pass
            class Disabled(Test):
                '''
                :avocado: disable
                '''
                def test_disabled(self): pass
            class ChildOfDisabled(Disabled):
                def test_child(self): pass
            class Recursive(Mixin):
                '''
                :avocado: recursive
                '''
                def test_recursive(self): pass
            class NotATest(Mixin):
                def test_no(self): pass
            """)
        #expect(p.listing(["d.py"]) == [
            "INSTRUMENTED d.py:Enabled.test_enabled",                   // only its own methods
            "INSTRUMENTED d.py:ChildOfDisabled.test_child", "INSTRUMENTED d.py:ChildOfDisabled.test_disabled",
            "INSTRUMENTED d.py:Recursive.test_recursive", "INSTRUMENTED d.py:Recursive.test_mixin",
        ])
    }

    @Test("dependency= directives: class ones appended to the method's, malformed skipped")
    func dependencies() throws {
        var p = Project()
        p.add("dep.py", """
            from avocado import Test
            class D(Test):
                '''
                :avocado: dependency={"type": "package", "name": "gcc"}
                '''
                def test_d(self):
                    '''
                    :avocado: dependency={"type": "asset"}
                    :avocado: dependency={"broken": }
                    '''
            """)
        let test = try #require(p.resolve(["dep.py"]).tests.first)
        #expect(test.dependencies == ["{\"type\": \"asset\"}", "{\"type\": \"package\", \"name\": \"gcc\"}"])
    }

    @Test("PyUNITTEST: unittest.TestCase through imports, aliases and parents; INSTRUMENTED wins in a mixed file")
    func unittests() {
        var p = Project()
        p.add("u.py", "import unittest\nclass U(unittest.TestCase):\n    def test_u(self): pass\nclass V(U):\n    def test_v(self): pass\n")
        p.add("f.py", "from unittest import TestCase as TC\nclass F(TC):\n    async def test_f(self): pass\n")
        p.add("base/ubase.py", "import unittest\nclass UBase(unittest.TestCase):\n    def test_base(self): pass\n")
        p.add("i.py", "from base.ubase import UBase\nclass I(UBase):\n    def test_i(self): pass\n")
        p.add("mixed.py", "import unittest\nfrom avocado import Test\nclass A(Test):\n    def test_a(self): pass\nclass U(unittest.TestCase):\n    def test_u(self): pass\n")
        #expect(p.listing(["u.py", "f.py", "i.py", "mixed.py"]) == [
            "PyUNITTEST u.py:U.test_u", "PyUNITTEST u.py:V.test_v", "PyUNITTEST u.py:V.test_u",
            "PyUNITTEST f.py:F.test_f", "PyUNITTEST i.py:I.test_i", "PyUNITTEST i.py:I.test_base",
            "INSTRUMENTED mixed.py:A.test_a",
        ])
    }

    @Test("a class only sees the imports above it")
    func lateImport() {
        var p = Project()
        p.add("late.py", "class Early(Test):\n    def test_e(self): pass\nfrom avocado import Test\nclass Late(Test):\n    def test_l(self): pass\n")
        #expect(p.listing(["late.py"]) == ["INSTRUMENTED late.py:Late.test_l"])
    }

    @Test("relative imports: from .x, from ..x, from . import module")
    func relativeImports() {
        var p = Project()
        p.add("pkg/__init__.py", "")
        p.add("pkg/base.py", "from avocado import Test\nclass PkgBase(Test):\n    def test_base(self): pass\n")
        p.add("pkg/t.py", "from .base import PkgBase\nfrom . import base\nclass R(PkgBase):\n    def test_r(self): pass\nclass M(base.PkgBase):\n    def test_m(self): pass\n")
        p.add("pkg/sub/t2.py", "from ..base import PkgBase\nclass Up(PkgBase):\n    def test_up(self): pass\n")
        #expect(p.listing(["pkg/t.py", "pkg/sub/t2.py"]) == [
            "INSTRUMENTED pkg/t.py:R.test_r", "INSTRUMENTED pkg/t.py:R.test_base",
            "INSTRUMENTED pkg/t.py:M.test_m", "INSTRUMENTED pkg/t.py:M.test_base",
            "INSTRUMENTED pkg/sub/t2.py:Up.test_up", "INSTRUMENTED pkg/sub/t2.py:Up.test_base",
        ])
    }

    @Test("import cycles terminate; an inheritance cycle fails as Avocado's RecursionError does")
    func cycles() {
        var p = Project()
        p.add("a.py", "from avocado import Test\nfrom b import B\nclass A(Test):\n    def test_a(self): pass\n")
        p.add("b.py", "from a import A\nclass B(A):\n    def test_b(self): pass\n")
        p.add("x.py", "from y import Y\nclass X(Y):\n    def test_x(self): pass\n")
        p.add("y.py", "from x import X\nclass Y(X):\n    def test_y(self): pass\n")
        p.add("self.py", "from avocado import Test\nclass Base(Test):\n    def test_1(self): pass\nclass Base(Base):\n    def test_2(self): pass\n")
        let resolution = p.resolve(["a.py", "b.py", "x.py", "self.py"])
        #expect(resolution.entries.map { "\($0.kind.rawValue) \($0.name)" } == [
            "INSTRUMENTED a.py:A.test_a", "INSTRUMENTED b.py:B.test_b", "INSTRUMENTED b.py:B.test_a",
            "MISSING x.py", "MISSING self.py",
        ])
        let why = resolution.reports.first { $0.reference == "x.py" }?.attempts.first?.outcome
        guard case .error(let message) = why else {
            Issue.record("expected an error for x.py, got \(String(describing: why))")
            return
        }
        #expect(message.contains("recursion"))
    }

    @Test("Avocado's crashes lose the whole file: a call as a base, a flat tag given a value, a namespace package")
    func crashes() {
        var p = Project()
        p.add("call.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\nclass B(meta(Test)):\n    pass\n")
        p.add("flat.py", "from avocado import Test\nclass A(Test):\n    '''\n    :avocado: tags=k,k:v\n    '''\n    def test_a(self): pass\n")
        p.add("ns/base.py", "from avocado import Test\nclass Base(Test):\n    def test_b(self): pass\n")
        p.add("nsuse.py", "from ns import Base\nclass A(Base):\n    def test_a(self): pass\n")
        p.add("nsmodule.py", "from ns import base\nclass A(base.Base):\n    def test_a(self): pass\n")
        #expect(p.listing(["call.py", "flat.py", "nsuse.py", "nsmodule.py"]) == [
            "MISSING call.py", "MISSING flat.py", "MISSING nsuse.py",
            "INSTRUMENTED nsmodule.py:A.test_a", "INSTRUMENTED nsmodule.py:A.test_b",
        ])
    }

    @Test("file.py:REGEX keeps Class.method ids re.search matches")
    func regexFilter() {
        var p = Project()
        p.add("g.py", "from avocado import Test\nclass GdbTest(Test):\n    def test_disconnect(self): pass\n    def test_disconnect_raw(self): pass\n    def test_load_raw(self): pass\n")
        #expect(p.listing(["g.py:test_disconnect"]) == ["INSTRUMENTED g.py:GdbTest.test_disconnect", "INSTRUMENTED g.py:GdbTest.test_disconnect_raw"])
        #expect(p.listing(["g.py:test_disconnect$"]) == ["INSTRUMENTED g.py:GdbTest.test_disconnect"])
        #expect(p.listing(["g.py:GdbTest.test_[ld].*raw"]) == ["INSTRUMENTED g.py:GdbTest.test_disconnect_raw", "INSTRUMENTED g.py:GdbTest.test_load_raw"])
        #expect(p.listing(["g.py:nothing"]) == ["MISSING g.py:nothing"])
        #expect(p.listing(["g.py:"]).count == 3)
        let bad = p.resolve(["g.py:(unclosed"])
        #expect(bad.missing == ["g.py:(unclosed"])
        #expect(bad.reports[0].attempts[0].info.contains("invalid regular expression"))
    }

    @Test("dir:REGEX is not split for directories: MISSING, as in Avocado")
    func directoryRegex() {
        var p = Project()
        p.add("d/t.py", "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n")
        #expect(p.listing(["d:test_a"]) == ["MISSING d:test_a"])
    }

    @Test("directories: files sorted before sub-directories, hidden files skipped, hidden directories walked")
    func directoryOrder() {
        var p = Project()
        let test = "from avocado import Test\nclass A(Test):\n    def test_a(self): pass\n"
        p.add("d/b.py", test)
        p.add("d/A.py", test)
        p.add("d/.hidden.py", test)
        p.add("d/a/z.py", test)
        p.add("d/.h/v.py", test)
        p.add("d/__init__.py", test)
        p.add("d/readme.txt", "text")
        p.add("d/run.sh", "#!/bin/sh\n", executable: true)
        p.directories.insert("empty")
        #expect(p.listing(["d", "empty"]) == [
            "INSTRUMENTED d/A.py:A.test_a", "INSTRUMENTED d/__init__.py:A.test_a", "INSTRUMENTED d/b.py:A.test_a",
            "SIMPLE d/run.sh", "INSTRUMENTED d/.h/v.py:A.test_a", "INSTRUMENTED d/a/z.py:A.test_a",
        ])
        #expect(p.listing(["d/"]).first == "INSTRUMENTED d/A.py:A.test_a")
        // The text file is reported as unresolved, not MISSING: its directory was the reference.
        #expect(p.resolve(["d"]).unresolved.map(\.reference) == ["d/readme.txt"])
    }

    @Test("executables: SIMPLE unless Python tests are found first; non-executable text is not a test")
    func executables() {
        var p = Project()
        p.add("run.sh", "#!/bin/sh\n", executable: true)
        p.add("exec.py", "#!/usr/bin/env python3\nprint(1)\n", executable: true)
        p.add("exectests.py", "#!/usr/bin/env python3\nfrom avocado import Test\nclass A(Test):\n    def test_a(self): pass\n", executable: true)
        p.add("notes.txt", "hello")
        #expect(p.listing(["run.sh", "exec.py", "exectests.py", "notes.txt"]) == [
            "SIMPLE run.sh", "SIMPLE exec.py", "INSTRUMENTED exectests.py:A.test_a", "MISSING notes.txt",
        ])
        let notes = p.resolve(["notes.txt"]).reports[0].attempts.map(\.info)
        #expect(notes == [
            "File name \"notes.txt\" does not end with suffix \".py\"",
            "File name \"notes.txt\" does not end with suffix \".py\"",
            "File \"notes.txt\" does not have the required executable permissions",
            "File \"notes.txt\" does not have the required executable permissions",
        ])
    }

    @Test("a file that does not scan yields no tests and a file:line diagnostic; executable, it is SIMPLE")
    func parseErrors() {
        var p = Project()
        p.add("broken.py", "from avocado import Test\nclass A(Test):\n    def test_a(self):\n        x = '''never closed\n")
        p.add("execbroken.py", "#!/usr/bin/env python3\nx = (1,\n", executable: true)
        p.add("importsbroken.py", "from broken import A\nclass B(A):\n    def test_b(self): pass\n")
        let resolution = p.resolve(["broken.py", "execbroken.py", "importsbroken.py"])
        #expect(resolution.entries.map { "\($0.kind.rawValue) \($0.name)" } == ["MISSING broken.py", "SIMPLE execbroken.py", "MISSING importsbroken.py"])
        #expect(resolution.parseErrors.map(\.path) == ["broken.py", "execbroken.py"])
        #expect(resolution.parseErrors.first?.line == 4)
        #expect(resolution.parseErrors.first?.description.hasPrefix("broken.py:4: ") == true)
    }

    @Test("the scanner seam: a hand-built PythonModule is resolved without any source text")
    func handBuiltModule() {
        let module = PythonModule(
            imports: [PythonImport(module: "avocado", names: [.init(name: "Test", alias: "T")], line: 1)],
            classes: [PythonClass(name: "Hand", bases: [PythonBase(dotted: ["T"], text: "T")],
                                  docstring: ":avocado: tags=hand",
                                  methods: [PythonFunction(name: "test_hand", line: 3),
                                            PythonFunction(name: "test_prop", decorators: ["property"], line: 4)],
                                  line: 2)])
        let tree = InMemorySourceTree(files: ["/w/h.py": .init("ignored")], workingDirectory: "/w")
        let resolver = TestResolver(tree: tree, workingDirectory: "/w", scanner: { _ in .success(module) })
        let tests = resolver.resolve(["h.py"]).tests
        #expect(tests.map(\.name) == ["h.py:Hand.test_hand"])
        #expect(tests.first?.tags == Tags(["hand": []]))
    }

    @Test("bases that are not plain names: subscripts ignored, multi-level attributes not followed")
    func baseShapes() {
        var p = Project()
        p.add("g.py", "from typing import Generic\nfrom avocado import Test\nclass A(Test, Generic[T]):\n    def test_a(self): pass\n")
        p.add("deep.py", "from avocado import Test\nimport pkg.mod\nclass A(pkg.mod.Base):\n    def test_a(self): pass\n")
        #expect(p.listing(["g.py", "deep.py"]) == ["INSTRUMENTED g.py:A.test_a", "MISSING deep.py"])
    }
}
