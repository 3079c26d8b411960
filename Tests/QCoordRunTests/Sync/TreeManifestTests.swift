import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

struct TreeManifestTests {
    func makeTree() throws -> String {
        let root = NSTemporaryDirectory() + "qcoord-tree-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try "print('a')\n".write(toFile: root + "/a.py", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho ok\n".write(toFile: root + "/sub/run.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/sub/run.sh")
        return root
    }

    @Test func hashesFilesAndNamesTheTreeByContentOnly() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifest = try TreeManifest.build(root: root, files: ["sub/run.sh", "./a.py", "a.py"])
        #expect(manifest.entries.map(\.path) == ["a.py", "sub/run.sh"])
        #expect(manifest.entries[0].digest == SHA256.hex(Array("print('a')\n".utf8)))
        #expect(manifest.entries.map(\.executable) == [false, true])
        #expect(manifest.totalBytes == 11 + 18)

        // The same content elsewhere is the same tree; one changed byte is another.
        let copy = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        #expect(try TreeManifest.build(root: copy, files: ["a.py", "sub/run.sh"]).treeID == manifest.treeID)
        try "print('b')\n".write(toFile: copy + "/a.py", atomically: true, encoding: .utf8)
        #expect(try TreeManifest.build(root: copy, files: ["a.py", "sub/run.sh"]).treeID != manifest.treeID)
    }

    @Test(arguments: ["../etc/passwd", "/etc/passwd", "sub/../../x", ""])
    func refusesPathsOutsideTheTree(path: String) {
        #expect(throws: TreeSyncError.self) { try TreeManifest.build(root: "/tmp", files: [path]) }
    }
}
