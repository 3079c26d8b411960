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
        #expect(manifest.entries[0].digest == ContentDigest.hex(Array("print('a')\n".utf8)))
        #expect(manifest.entries.map(\.executable) == [false, true])
        #expect(manifest.totalBytes == 11 + 18)

        // The same content elsewhere is the same tree; one changed byte is another.
        let copy = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        #expect(try TreeManifest.build(root: copy, files: ["a.py", "sub/run.sh"]).treeID == manifest.treeID)
        try "print('b')\n".write(toFile: copy + "/a.py", atomically: true, encoding: .utf8)
        #expect(try TreeManifest.build(root: copy, files: ["a.py", "sub/run.sh"]).treeID != manifest.treeID)
    }

    /// Pinned digests (Python's hashlib): hosts cache blobs and trees under these names, so
    /// any SHA-256 implementation must give exactly them, tree id included.
    @Test func digestsAndTreeIDArePinned() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifest = try TreeManifest.build(root: root, files: ["a.py", "sub/run.sh"])
        #expect(manifest.entries.map(\.digest) == ["62bdb208de6dc6b169a467f646f50ca39e6c203fa6f6732431624d8dec1e77fb",
                                                   "b4d644d4279594903f1a9911956432d9473041f2984fc6014c14d7402c7d126c"])
        #expect(manifest.treeID == "c7622f1d082ddcdd40794e2e515dde60c3b9c96221c7a2b69ad4a32bd8f301a5")
    }

    @Test(arguments: ["../etc/passwd", "/etc/passwd", "sub/../../x", ""])
    func refusesPathsOutsideTheTree(path: String) {
        #expect(throws: TreeSyncError.self) { try TreeManifest.build(root: "/tmp", files: [path]) }
    }

    @Test func scanTakesTheTreeWithoutCachesAndVCS() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for dir in ["/.git", "/__pycache__", "/sub/__pycache__"] {
            try FileManager.default.createDirectory(atPath: root + dir, withIntermediateDirectories: true)
            try "x".write(toFile: root + dir + "/junk", atomically: true, encoding: .utf8)
        }
        try "x".write(toFile: root + "/a.pyc", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/outside", withDestinationPath: "/etc/hostname")
        let manifest = try TreeManifest.scan(root: root)
        #expect(manifest.entries.map(\.path) == ["a.py", "sub/run.sh"])
        #expect(throws: TreeSyncError.self) { try TreeManifest.scan(root: root, maxBytes: 10) }
    }

    @Test func pathMapMovesOnlyPathsInsideTheTree() {
        let map = SSHAgentLink.PathMap(local: "/home/me/tests", remote: "/root/.cache/qcoord/trees/abc")
        #expect(map.apply("/home/me/tests") == "/root/.cache/qcoord/trees/abc")
        #expect(map.apply("/home/me/tests/sub/t.py") == "/root/.cache/qcoord/trees/abc/sub/t.py")
        #expect(map.apply("/home/me/tests2/t.py") == "/home/me/tests2/t.py")
        #expect(map.apply("relative/t.py") == "relative/t.py")
    }
}
