import Foundation
import QCoordCore
import QCoordRun
import Testing

/// The real file system under the resolver: stat, exec bits, links, listing, reading.
@Suite struct LocalSourceTreeTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/corpus/suite").path

    let tree = LocalSourceTree()

    @Test("status: regular files with their owner bits, directories, missing paths")
    func status() {
        let script = tree.status(of: Self.corpus + "/exec_script.sh")
        #expect(script.kind == .regular && script.ownerExecutable && script.ownerReadable)
        let text = tree.status(of: Self.corpus + "/README.txt")
        #expect(text.kind == .regular && !text.ownerExecutable)
        #expect(tree.status(of: Self.corpus + "/deep").kind == .directory)
        #expect(tree.status(of: Self.corpus + "/linked_deep").kind == .directory)   // links are followed
        #expect(tree.status(of: Self.corpus + "/nope").kind == .missing)
    }

    @Test("entries: names with directory and link flags")
    func entries() throws {
        let entries = try #require(tree.entries(of: Self.corpus))
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(byName["deep"] == DirectoryEntry(name: "deep", isDirectory: true))
        #expect(byName["linked_deep"] == DirectoryEntry(name: "linked_deep", isDirectory: true, isSymbolicLink: true))
        #expect(byName["link_to_direct.py"]?.isDirectory == false)
        #expect(byName[".hidden_test.py"] != nil)
        #expect(byName["."] == nil && byName[".."] == nil)
        #expect(tree.entries(of: Self.corpus + "/direct.py") == nil)
    }

    @Test("contents: the exact bytes, nil for what cannot be read")
    func contents() throws {
        let path = Self.corpus + "/direct.py"
        #expect(tree.contents(of: path) == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(tree.contents(of: Self.corpus + "/nope.py") == nil)
        #expect(tree.contents(of: Self.corpus) == nil)
    }

    @Test("resolving the corpus through the real tree: links to files listed, linked directories not walked")
    func resolve() {
        // Relative paths are relative to the process's directory: use absolute ones here.
        let resolution = TestResolver(tree: tree, workingDirectory: "/").resolve([Self.corpus])
        let names = resolution.tests.map { String($0.name.dropFirst(Self.corpus.count + 1)) }
        #expect(names.contains("link_to_direct.py:Direct.test_one"))
        #expect(names.contains("deep/a/b/test_deep.py:Deep.test_deep"))
        #expect(names.contains("qemu_boot.py:BootLinux.test_pc"))
        #expect(!names.contains { $0.hasPrefix("linked_deep/") })
        #expect(!names.contains { $0.hasPrefix(".hidden_test.py") })
        #expect(names.contains(".hiddendir/visible.py:InHiddenDir.test_in_hidden_dir"))
    }
}
