import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import QCoordCore
@testable import QCoordRun

/// SlurmTreeSync's two steps through a stand-in `srun` that drops its options and runs the
/// rest with HOME set to a node home of its own: the first sync sends every content and
/// assembles the tree (an executable stays one), a second costs one step and sends nothing.
@Suite struct SlurmTreeSyncTests {
    @Test func sendsWhatTheNodeLacksThenNothing() async throws {
        let dir = NSTemporaryDirectory() + "qcoord-slurm-sync-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/node-home", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/tree/sub", withIntermediateDirectories: true)
        try """
            #!/bin/sh
            while [ "${1#--}" != "$1" ]; do shift; done
            HOME="\(dir)/node-home" exec "$@"
            """.write(toFile: dir + "/bin/srun", atomically: true, encoding: .utf8)
        chmod(dir + "/bin/srun", 0o755)
        try "print('a')\n".write(toFile: dir + "/tree/a.py", atomically: true, encoding: .utf8)
        try "print('a')\n".write(toFile: dir + "/tree/sub/same.py", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho run\n".write(toFile: dir + "/tree/run.sh", atomically: true, encoding: .utf8)
        chmod(dir + "/tree/run.sh", 0o755)
        let manifest = try TreeManifest.build(root: dir + "/tree", files: ["a.py", "run.sh", "sub/same.py"])
        let cluster = SlurmCluster(binDir: dir + "/bin")

        let first = try await SlurmTreeSync.sync(manifest, root: dir + "/tree", node: "n1", jobID: "1",
                                                 settings: SlurmSettings(python: "python3"), cluster: cluster)
        #expect(!first.wasComplete && first.filesSent == 2 && first.bytesSent == 11 + 19)
        let tree = dir + "/node-home/.cache/qcoord/trees/" + manifest.treeID
        #expect(first.remoteDirectory == tree)
        #expect(try String(contentsOfFile: tree + "/sub/same.py", encoding: .utf8) == "print('a')\n")
        #expect(fm.isExecutableFile(atPath: tree + "/run.sh") && !fm.isExecutableFile(atPath: tree + "/a.py"))
        #expect(fm.fileExists(atPath: tree + "/.qcoord-complete"))

        let second = try await SlurmTreeSync.sync(manifest, root: dir + "/tree", node: "n1", jobID: "1",
                                                  settings: SlurmSettings(python: "python3"), cluster: cluster)
        #expect(second.wasComplete && second.bytesSent == 0 && second.remoteDirectory == tree)
    }

    @Test func aFailingStepSaysWhichNode() async throws {
        let cluster = SlurmCluster(binDir: "/nonexistent-slurm")
        let manifest = TreeManifest(entries: [])
        await #expect(throws: (any Error).self) {
            _ = try await SlurmTreeSync.sync(manifest, root: "/tmp", node: "n9", jobID: "1", settings: SlurmSettings(), cluster: cluster)
        }
    }
}
