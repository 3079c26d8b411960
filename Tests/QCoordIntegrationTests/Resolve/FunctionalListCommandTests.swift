import Foundation
import Testing

/// `qcoord list` on a small tests/functional tree: FUNCTIONAL lines, `-V` details, `--json` members.
@Suite struct FunctionalListCommandTests {
    func tree() throws -> URL {
        let dir = try Tools.temporaryDirectory()
        let root = dir.appendingPathComponent("tests/functional")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("qemu_test"), withIntermediateDirectories: true)
        let files = [
            "qemu_test/__init__.py": "from .testcase import QemuSystemTest\n",
            "qemu_test/testcase.py": "import unittest\nclass QemuSystemTest(unittest.TestCase):\n    pass\n",
            "meson.build": "test_timeouts = {\n  'x86_64_foo' : 300,\n}\ntests_x86_64_system_thorough = [\n  'x86_64_foo',\n]\n",
            "test_x86_64_foo.py": """
                from qemu_test import QemuSystemTest, Asset, skipFlakyTest

                class FooTest(QemuSystemTest):
                    ASSET_K = Asset('https://example.org/k', 'abc')
                    ASSET_I = Asset('https://example.org/i', '\(String(repeating: "0f", count: 32))')

                    @skipFlakyTest(bug_url="https://example.org/1")
                    def test_bar(self):
                        self.require_accelerator('kvm')

                """,
        ]
        for (path, text) in files {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test("FUNCTIONAL lines; -V shows unittest id, meson test, KVM, skips, assets; --json carries them")
    func listing() throws {
        let dir = try tree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let qcoord = try Tools.qcoord()
        let plain = try Tools.run(qcoord, ["list", "tests/functional"], in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "FUNCTIONAL tests/functional/test_x86_64_foo.py:FooTest.test_bar\n")

        let verbose = try Tools.run(qcoord, ["list", "-V", "tests/functional/test_x86_64_foo.py"], in: dir)
        #expect(verbose.stdout.contains("""
            FUNCTIONAL TESTS
            ================
            tests/functional/test_x86_64_foo.py:FooTest.test_bar
              unittest id: test_x86_64_foo.FooTest.test_bar
              meson: func-x86_64-x86_64_foo (target x86_64, system, suites func-thorough func-x86_64-thorough thorough, timeout 300 s)
              requires KVM
              skip: @skipFlakyTest(bug_url="https://example.org/1")
              asset: https://example.org/k (unknown: hash 'abc' is not a sha256 or sha512 digest)
              asset: https://example.org/i sha256:\(String(repeating: "0f", count: 32))

            """), "\(verbose.stdout)")
        #expect(verbose.stdout.contains("FUNCTIONAL: 1\n"))

        let json = try Tools.run(qcoord, ["list", "--json", "-", "tests/functional"], in: dir)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        let entry = entries[0]
        #expect(entry["type"] as? String == "FUNCTIONAL")
        #expect(entry["uri"] as? String == "tests/functional/test_x86_64_foo.py")
        #expect(entry["unittest_id"] as? String == "test_x86_64_foo.FooTest.test_bar")
        let meson = try #require(entry["meson"] as? [[String: Any]])
        #expect(meson.count == 1)
        #expect(meson.first?["target"] as? String == "x86_64")
        #expect(meson.first?["suite"] as? String == "thorough")
        #expect(meson.first?["timeout"] as? Int == 300)
        #expect(meson.first?["name"] as? String == "func-x86_64-x86_64_foo")
        #expect(entry["requires_kvm"] as? Bool == true)
        #expect(entry["skips"] as? [String] == [#"skipFlakyTest(bug_url="https://example.org/1")"#])
        let assets = try #require(entry["assets"] as? [[String: Any]])
        #expect(assets.count == 2)
        #expect(assets.first?["url"] as? String == "https://example.org/k")
        #expect(assets.first?["hash"] as? String == "abc")
    }

    @Test("assets list: the unique assets with their tests, then what is not known; --json")
    func assetsList() throws {
        let dir = try tree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let qcoord = try Tools.qcoord()
        let digest = String(repeating: "0f", count: 32)
        let text = try Tools.run(qcoord, ["assets", "list", "tests/functional"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == """
            https://example.org/i sha256:\(digest)
              tests/functional/test_x86_64_foo.py:FooTest.test_bar

            NOT KNOWN STATICALLY
            ====================
            tests/functional/test_x86_64_foo.py:FooTest.test_bar: hash 'abc' is not a sha256 or sha512 digest

            1 assets used by 1 tests; 1 uses not known statically in 1 tests

            """)
        // -t selects as in `list`: an untagged test is left out by any tag filter.
        let filtered = try Tools.run(qcoord, ["assets", "list", "--json", "-", "-t=-nothing", "tests/functional"], in: dir)
        #expect(filtered.stdout == "{\"assets\": [],\n\"unknown\": []}\n")
        let json = try Tools.run(qcoord, ["assets", "list", "--json", "-", "tests/functional"], in: dir)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let assets = try #require(object["assets"] as? [[String: Any]])
        #expect(assets.count == 1)
        #expect(assets.first?["url"] as? String == "https://example.org/i")
        #expect(assets.first?["hash"] as? String == digest)
        #expect(assets.first?["algorithm"] as? String == "sha256")
        #expect(assets.first?["tests"] as? [String] == ["tests/functional/test_x86_64_foo.py:FooTest.test_bar"])
        let unknown = try #require(object["unknown"] as? [[String: Any]])
        #expect(unknown.count == 1)
        #expect(unknown.first?["reason"] as? String == "hash 'abc' is not a sha256 or sha512 digest")
    }
}
