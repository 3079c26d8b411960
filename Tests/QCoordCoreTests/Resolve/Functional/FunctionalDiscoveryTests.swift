import Testing
@testable import QCoordCore

/// FUNCTIONAL discovery (issue 16) on small in-memory QEMU trees: both layouts, the unittest
/// loader's ids, imported test classes, meson membership, KVM, skips, assets.
@Suite struct FunctionalDiscoveryTests {
    /// A minimal `qemu_test` package: `QemuSystemTest` re-exported from `.testcase`, on unittest.
    static func addQemuTest(_ p: inout Project, root: String) {
        p.add("\(root)/qemu_test/__init__.py", """
            from .asset import Asset
            from .testcase import QemuBaseTest, QemuSystemTest, LinuxKernelTest
            from .decorators import skipFlakyTest, skipIfMissingCommands

            """)
        p.add("\(root)/qemu_test/asset.py", "class Asset:\n    pass\n")
        p.add("\(root)/qemu_test/decorators.py", "def skipFlakyTest(bug_url):\n    pass\n")
        p.add("\(root)/qemu_test/testcase.py", """
            import unittest

            class QemuBaseTest(unittest.TestCase):
                def setUp(self):
                    pass

            class QemuSystemTest(QemuBaseTest):
                def require_accelerator(self, accel):
                    pass

            class LinuxKernelTest(QemuSystemTest):
                pass

            """)
    }

    /// QEMU ≤ 10.1: one meson.build, `test_<arch>_<name>.py`.
    static func flat() -> Project {
        var p = Project()
        let root = "qemu/tests/functional"
        addQemuTest(&p, root: root)
        p.add("\(root)/meson.build", """
            test_timeouts = {
              'x86_64_foo' : 300,
            }
            tests_x86_64_system_quick = [
              'version',
            ]
            tests_x86_64_system_thorough = [
              'x86_64_foo',
            ]
            tests_i386_system_thorough = [
              'x86_64_foo',
            ]

            """)
        p.add("\(root)/test_version.py", """
            from qemu_test import QemuSystemTest

            class Version(QemuSystemTest):
                def test_qmp_human_info_version(self):
                    pass
                def helper(self):
                    pass

            if __name__ == '__main__':
                QemuSystemTest.main()

            """)
        p.add("\(root)/test_x86_64_foo.py", """
            from qemu_test import LinuxKernelTest, Asset, skipFlakyTest

            class FooTest(LinuxKernelTest):
                ASSET_KERNEL = Asset(
                    ('https://example.org/'
                     'kernel'),
                    'abc')

                @skipFlakyTest(bug_url="https://gitlab.com/qemu-project/qemu/-/issues/1")
                def test_bar(self):
                    self.require_accelerator('kvm')

                def test_baz(self):
                    if self.arch == 'x86_64':
                        self.require_accelerator('kvm')

            """)
        return p
    }

    /// QEMU ≥ 10.2: `<target>/test_<name>.py`, `generic/`, a meson.build per directory.
    static func perTarget() -> Project {
        var p = Project()
        let root = "qemu/tests/functional"
        addQemuTest(&p, root: root)
        p.add("\(root)/meson.build", "subdir('generic')\nsubdir('mipsel')\nsubdir('mips64el')\nsubdir('x86_64')\n")
        p.add("\(root)/generic/meson.build", "tests_generic_system = [\n  'version',\n]\n")
        p.add("\(root)/mipsel/meson.build", "tests_mipsel_system_thorough = [\n  'malta',\n]\n")
        p.add("\(root)/mips64el/meson.build", """
            test_mips64el_timeouts = {
              'malta' : 480,
            }
            tests_mips64el_system_thorough = [
              'malta',
            ]

            """)
        p.add("\(root)/x86_64/meson.build", "tests_x86_64_system_quick = [\n  'mixed',\n]\ntests_x86_64_system_thorough = []\n")
        p.add("\(root)/generic/test_version.py", """
            from qemu_test import QemuSystemTest

            class Version(QemuSystemTest):
                def test_qmp_human_info_version(self):
                    pass

            """)
        p.add("\(root)/mipsel/test_malta.py", """
            from qemu_test import QemuSystemTest, Asset

            ASSET_SHARED = Asset('https://example.org/shared', 'x')

            @skipIfMissingCommands('xorriso')
            class MaltaMachineYAMON(QemuSystemTest):
                ASSET_YAMON = Asset('https://example.org/yamon', 'y')

                def test_mipsel_malta_yamon(self):
                    self.archive_extract(ASSET_SHARED)

            """)
        // An imported test class runs in the importing file too (under its own module's name).
        p.add("\(root)/mips64el/test_malta.py", """
            from qemu_test import LinuxKernelTest

            class MaltaMachine(LinuxKernelTest):
                def test_mips64el_malta(self):
                    self.vm.add_args('-accel', 'kvm')

            # pylint: disable=unused-import,wrong-import-position
            from mipsel.test_malta import MaltaMachineYAMON

            """)
        // A helper module next to the targets, a mixin, a base in another test module.
        p.add("\(root)/common.py", """
            from qemu_test import QemuSystemTest

            class CommonTest(QemuSystemTest):
                ASSET_COMMON = Asset('https://example.org/common', 'c')

                def setUp(self):
                    super().setUp()

                def do_test(self, machine):
                    self.require_accelerator("kvm")

                def test_inherited(self):
                    pass

            """)
        p.add("\(root)/x86_64/test_mixed.py", """
            from common import CommonTest

            class Mixin:
                def test_from_mixin(self):
                    pass

            class Mixed(Mixin, CommonTest):
                def test_own(self):
                    self.do_test('pc')

            """)
        p.add("\(root)/x86_64/notatest.py", "import os\n\ndef main():\n    pass\n")
        p.add("\(root)/x86_64/broken.py", "class A(:\n")
        return p
    }

    static func assetURLs(_ resolution: Resolution) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for test in resolution.tests { result[test.name] = (test.assets ?? []).map { $0.url ?? "?" } }
        return result
    }

    static func functional(_ resolution: Resolution) -> [String: FunctionalTest] {
        var result: [String: FunctionalTest] = [:]
        for test in resolution.tests { result[test.name] = test.functional }
        return result
    }

    @Test("flat layout: FUNCTIONAL entries, ids with the file's base name, meson tests per file")
    func flatLayout() throws {
        let p = Self.flat()
        let resolution = p.resolve(["qemu/tests/functional/test_version.py", "qemu/tests/functional/test_x86_64_foo.py"])
        #expect(resolution.entries.map { "\($0.kind.rawValue) \($0.name)" } == [
            "FUNCTIONAL qemu/tests/functional/test_version.py:Version.test_qmp_human_info_version",
            "FUNCTIONAL qemu/tests/functional/test_x86_64_foo.py:FooTest.test_bar",
            "FUNCTIONAL qemu/tests/functional/test_x86_64_foo.py:FooTest.test_baz",
        ])
        #expect(resolution.tests.allSatisfy { $0.uri == $0.name.split(separator: ":")[0].description })
        let f = Self.functional(resolution)
        let version = try #require(f["qemu/tests/functional/test_version.py:Version.test_qmp_human_info_version"])
        #expect(version.unittestID == "test_version.Version.test_qmp_human_info_version")
        #expect(version.meson == [FunctionalMesonTest(target: "x86_64", mode: .system, speed: .quick, name: "version",
                                                      file: "test_version.py", timeout: 90)])
        let bar = try #require(f["qemu/tests/functional/test_x86_64_foo.py:FooTest.test_bar"])
        #expect(bar.unittestID == "test_x86_64_foo.FooTest.test_bar")
        #expect(bar.meson.map(\.mesonName) == ["func-i386-x86_64_foo", "func-x86_64-x86_64_foo"])
        #expect(bar.meson.map(\.timeout) == [300, 300])
        #expect(bar.requiresKVM)
        #expect(bar.skips == [#"skipFlakyTest(bug_url="https://gitlab.com/qemu-project/qemu/-/issues/1")"#])
        #expect(Self.assetURLs(resolution)["qemu/tests/functional/test_x86_64_foo.py:FooTest.test_bar"] == ["https://example.org/kernel"])
        // Conditional on something the scan cannot evaluate: not a KVM requirement.
        let baz = try #require(f["qemu/tests/functional/test_x86_64_foo.py:FooTest.test_baz"])
        #expect(!baz.requiresKVM)
        #expect(baz.skips.isEmpty)
    }

    @Test("per-target layout: generic/, imported test classes under their module's name, timeouts per target")
    func perTargetLayout() throws {
        let p = Self.perTarget()
        let resolution = p.resolve(["qemu/tests/functional/generic/test_version.py", "qemu/tests/functional/mips64el/test_malta.py",
                                    "qemu/tests/functional/mipsel/test_malta.py"])
        let f = Self.functional(resolution)
        #expect(resolution.tests.map(\.name) == [
            "qemu/tests/functional/generic/test_version.py:Version.test_qmp_human_info_version",
            "qemu/tests/functional/mips64el/test_malta.py:MaltaMachine.test_mips64el_malta",
            "qemu/tests/functional/mips64el/test_malta.py:MaltaMachineYAMON.test_mipsel_malta_yamon",
            "qemu/tests/functional/mipsel/test_malta.py:MaltaMachineYAMON.test_mipsel_malta_yamon",
        ])
        let version = try #require(f["qemu/tests/functional/generic/test_version.py:Version.test_qmp_human_info_version"])
        #expect(version.unittestID == "test_version.Version.test_qmp_human_info_version")
        // tests_generic_system joins every system target's quick list.
        #expect(version.meson.map(\.mesonName) == ["func-mips64el-version", "func-mipsel-version", "func-x86_64-version"])
        #expect(version.meson.allSatisfy { $0.speed == .quick && $0.file == "generic/test_version.py" })
        let own = try #require(f["qemu/tests/functional/mips64el/test_malta.py:MaltaMachine.test_mips64el_malta"])
        #expect(own.unittestID == "test_malta.MaltaMachine.test_mips64el_malta")
        #expect(own.requiresKVM)
        #expect(own.meson.map(\.timeout) == [480])
        let imported = try #require(f["qemu/tests/functional/mips64el/test_malta.py:MaltaMachineYAMON.test_mipsel_malta_yamon"])
        #expect(imported.unittestID == "mipsel.test_malta.MaltaMachineYAMON.test_mipsel_malta_yamon")
        #expect(imported.meson.map(\.mesonName) == ["func-mips64el-malta"])
        #expect(imported.skips == ["skipIfMissingCommands('xorriso')"])
        let home = try #require(f["qemu/tests/functional/mipsel/test_malta.py:MaltaMachineYAMON.test_mipsel_malta_yamon"])
        #expect(home.unittestID == "test_malta.MaltaMachineYAMON.test_mipsel_malta_yamon")
        #expect(home.meson.map(\.mesonName) == ["func-mipsel-malta"])
        // The class's Asset, then the module-level one it names.
        #expect(Self.assetURLs(resolution)["qemu/tests/functional/mipsel/test_malta.py:MaltaMachineYAMON.test_mipsel_malta_yamon"]
                == ["https://example.org/yamon", "https://example.org/shared"])
    }

    @Test("inheritance through another module next to the targets and a mixin; KVM through a helper")
    func inheritance() throws {
        let p = Self.perTarget()
        let resolution = p.resolve(["qemu/tests/functional/x86_64/test_mixed.py"])
        let f = Self.functional(resolution)
        #expect(resolution.tests.map(\.name) == [
            "qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_own",
            "qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_from_mixin",
            "qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_inherited",
            // `from common import CommonTest` binds a TestCase with a test method: the loader runs it here too.
            "qemu/tests/functional/x86_64/test_mixed.py:CommonTest.test_inherited",
        ])
        #expect(f["qemu/tests/functional/x86_64/test_mixed.py:CommonTest.test_inherited"]?.unittestID
                == "common.CommonTest.test_inherited")
        let own = try #require(f["qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_own"])
        #expect(own.unittestID == "test_mixed.Mixed.test_own")
        #expect(own.requiresKVM, "self.do_test(...) requires KVM unconditionally")
        #expect(Self.assetURLs(resolution)["qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_own"] == ["https://example.org/common"])
        #expect(own.meson.map(\.mesonName) == ["func-x86_64-mixed"])
        let inherited = try #require(f["qemu/tests/functional/x86_64/test_mixed.py:Mixed.test_inherited"])
        #expect(inherited.unittestID == "test_mixed.Mixed.test_inherited")
        #expect(!inherited.requiresKVM)
    }

    @Test("a directory: qemu_test/ and non-test files give no tests; parse errors reported; no SIMPLE/TAP fallback")
    func directory() {
        var p = Self.perTarget()
        p.add("qemu/tests/functional/x86_64/script.py", "print('hi')\n", executable: true)
        let resolution = p.resolve(["qemu/tests/functional"])
        #expect(Set(resolution.tests.map(\.kind)) == [.functional])
        #expect(!resolution.tests.contains { $0.uri.contains("qemu_test/") || $0.uri.contains("notatest") })
        // A helper module with a test method has that test (Python's loader would run it too).
        #expect(resolution.tests.filter { $0.uri.hasSuffix("/common.py") }.map(\.name)
                == ["qemu/tests/functional/common.py:CommonTest.test_inherited"])
        #expect(!resolution.tests.contains { $0.uri.hasSuffix("script.py") })
        #expect(resolution.parseErrors.map(\.path) == ["qemu/tests/functional/x86_64/broken.py"])
        #expect(resolution.tests.count == 9)
        let qemuTest = resolution.reports.first { $0.reference.hasSuffix("qemu_test/testcase.py") }
        #expect(qemuTest?.attempts.map(\.info) == ["part of the qemu_test package, not a test file",
                                                   "a Python file of a QEMU tests/functional tree"])
    }

    @Test("file.py:REGEX keeps the Class.method it matches; --loaders file.PyUNITTEST does not take FUNCTIONAL")
    func filterAndLoaders() {
        let p = Self.flat()
        #expect(p.listing(["qemu/tests/functional/test_x86_64_foo.py:baz$"]) == [
            "FUNCTIONAL qemu/tests/functional/test_x86_64_foo.py:FooTest.test_baz",
        ])
        #expect(p.listing(["qemu/tests/functional/test_version.py"], loaders: Project.loaders("file.PyUNITTEST")) == [
            "MISSING qemu/tests/functional/test_version.py",
        ])
        #expect(p.listing(["qemu/tests/functional/test_version.py"], loaders: Project.loaders("file.FUNCTIONAL")) == [
            "FUNCTIONAL qemu/tests/functional/test_version.py:Version.test_qmp_human_info_version",
        ])
    }

    @Test("without meson.build beside qemu_test/ the Avocado chain applies unchanged (the examples' layout)")
    func notARoot() {
        var p = Project()
        Self.addQemuTest(&p, root: "tests")
        p.add("tests/test_x.py", "from qemu_test import QemuSystemTest\nclass X(QemuSystemTest):\n    def test_x(self): pass\n")
        #expect(p.listing(["tests/test_x.py"]) == ["PyUNITTEST tests/test_x.py:X.test_x"])
    }

    @Test("a meson.build that is not data: a parse error, tests still listed without meson tests")
    func mesonNotData() throws {
        var p = Self.flat()
        p.add("qemu/tests/functional/meson.build", "if true\ntests_x86_64_system_quick = ['version']\nendif\n")
        let resolution = p.resolve(["qemu/tests/functional/test_version.py"])
        #expect(resolution.tests.count == 1)
        #expect(resolution.tests.first?.functional?.meson == [])
        #expect(resolution.parseErrors.map(\.path) == ["qemu/tests/functional/meson.build"])
    }

    @Test("skip decorators: callee names starting with skip, as written")
    func skipNames() {
        #expect(FunctionalDiscovery.isSkip("skipIf(x, 'y')"))
        #expect(FunctionalDiscovery.isSkip("unittest.skipUnless(os.getenv('X'), 'no X')"))
        #expect(FunctionalDiscovery.isSkip("skipBigDataTest()"))
        #expect(!FunctionalDiscovery.isSkip("staticmethod"))
        #expect(!FunctionalDiscovery.isSkip("property"))
    }

    @Test("class decorators are scanned (Avocado's resolution ignores them)")
    func classDecorators() throws {
        let module = try PythonScanner.scan(Array("@a.b(1)\n@c\nclass A:\n    pass\nclass B:\n    pass\n".utf8)).get()
        #expect(module.classes.map(\.decorators) == [["a.b(1)", "c"], []])
    }
}
