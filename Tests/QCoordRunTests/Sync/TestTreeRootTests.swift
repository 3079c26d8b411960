import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// The test tree a job syncs: the deepest common directory of its test files; with QEMU
/// tests/functional tests, the QEMU tree but only tests/functional and python/ (what meson's
/// PYTHONPATH names), never the rest of the source.
struct TestTreeRootTests {
    /// A QEMU-like tree: tests/functional (qemu_test, a per-target test), python/qemu, a big source dir.
    static func makeQEMU(git: Bool) throws -> String {
        let root = NSTemporaryDirectory() + "qcoord-qtree-\(UUID().uuidString)"
        try TreeSelectionTests.write(root, [
            "tests/functional/qemu_test/__init__.py": "from .testcase import QemuSystemTest\n",
            "tests/functional/meson.build": "subdir('x86_64')\n",
            "tests/functional/x86_64/test_a.py": "from qemu_test import QemuSystemTest\n",
            "tests/functional/generic/test_version.py": "from qemu_test import QemuSystemTest\n",
            "python/qemu/machine/__init__.py": "\n",
            "hw/big.c": "int x;\n",
            "tests/avocado/boot.py": "from avocado import Test\n",
        ])
        if git {
            try TreeSelectionTests.git(root, ["init", "-q"])
            try TreeSelectionTests.git(root, ["add", "."])
            try TreeSelectionTests.git(root, ["commit", "-qm", "init"])
        }
        return root
    }

    static func functional(_ root: String, _ file: String) -> TestCase {
        TestCase(kind: .functional, name: "\(root)/\(file):A.test_a", uri: "\(root)/\(file)",
                 functional: FunctionalTest(unittestID: "test_a.A.test_a"))
    }

    @Test(arguments: [false, true])
    func functionalTestsShipTheirTestsFunctionalAndPythonOnly(git: Bool) throws {
        let root = try Self.makeQEMU(git: git)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tree = try #require(TestTreeRoot.tree(of: [Self.functional(root, "tests/functional/x86_64/test_a.py")], workdir: "/"))
        #expect(tree.root == root)
        #expect(tree.within == ["python", "tests/functional"])
        let selection = try TreeSelection.select(root: tree.root, within: tree.within)
        #expect(selection.fromGit == git)
        #expect(selection.files == ["python/qemu/machine/__init__.py", "tests/functional/generic/test_version.py",
                                    "tests/functional/meson.build", "tests/functional/qemu_test/__init__.py",
                                    "tests/functional/x86_64/test_a.py"])
    }

    @Test func bothFormatsShipTheAvocadoFolderToo() throws {
        let root = try Self.makeQEMU(git: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let avocado = TestCase(kind: .instrumented, name: "\(root)/tests/avocado/boot.py:B.test", uri: "\(root)/tests/avocado/boot.py")
        let tree = try #require(TestTreeRoot.tree(of: [avocado, Self.functional(root, "tests/functional/x86_64/test_a.py")], workdir: "/"))
        #expect(tree.root == root)
        #expect(tree.within == ["python", "tests/avocado", "tests/functional"])
    }

    @Test func withoutFunctionalTestsTheWholeCommonDirectoryAsBefore() throws {
        let root = try Self.makeQEMU(git: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let avocado = TestCase(kind: .instrumented, name: "b", uri: "tests/avocado/boot.py")
        let tree = try #require(TestTreeRoot.tree(of: [avocado], workdir: root))
        #expect(tree.root == root + "/tests/avocado")
        #expect(tree.within == nil)
    }
}

extension TestTreeRootTests {
    @Test func aTreeGitIgnoresAsAWholeIsWalked() throws {
        let repo = try TreeSelectionTests.makeRepo()
        defer { try? FileManager.default.removeItem(atPath: repo) }
        // build/ is ignored in this checkout; a QEMU tree unpacked there is still a tree to ship.
        try "build/\n".write(toFile: repo + "/.gitignore", atomically: true, encoding: .utf8)
        try TreeSelectionTests.write(repo + "/build/qemu", ["tests/functional/qemu_test/__init__.py": "\n",
                                                           "tests/functional/test_v.py": "import unittest\n",
                                                           "python/qemu/__init__.py": "\n"])
        let selection = try TreeSelection.select(root: repo + "/build/qemu", within: ["python", "tests/functional"])
        #expect(!selection.fromGit)
        #expect(selection.files == ["python/qemu/__init__.py", "tests/functional/qemu_test/__init__.py", "tests/functional/test_v.py"])
    }
}
