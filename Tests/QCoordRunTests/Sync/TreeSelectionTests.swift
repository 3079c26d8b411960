import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// What a tree sync takes from a directory: git's list in a work tree, the built-in rules
/// outside one, `.qcoordignore`, and never key material.
struct TreeSelectionTests {
    static func write(_ root: String, _ files: [String: String]) throws {
        for (path, content) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    static func git(_ root: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@t"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args)")
    }

    static let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"

    /// A checkout: a tracked test, an ignored file, an untracked one, key material, a build dir.
    static func makeRepo() throws -> String {
        let root = NSTemporaryDirectory() + "qcoord-sel-\(UUID().uuidString)"
        try write(root, [
            "tests/check.sh": "#!/bin/sh\nfind . -type f\n",
            "tests/data/input.txt": "data\n",
            ".gitignore": "*.log\n",
            "ignored.log": "noise\n",
            "untracked.py": "x = 1\n",
            "deploy/keys/id_ed25519": key,
            "deploy/keys/id_ed25519.pub": "ssh-ed25519 AAAA test\n",
            "notes/creds.txt": "junk\n" + key,
            ".env": "TOKEN=1\n",
            "build/out.bin": "built\n",
        ])
        try git(root, ["init", "-q"])
        try git(root, ["add", "tests", ".gitignore", "deploy", "notes", ".env"])
        try git(root, ["commit", "-qm", "init"])
        return root
    }

    @Test func inGitShipsTrackedAndUntrackedNotIgnoredNeverKeys() throws {
        let root = try Self.makeRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let selection = try TreeSelection.select(root: root)
        #expect(selection.fromGit)
        // build/ is untracked and not ignored by .gitignore: in git, git's list decides.
        #expect(selection.files == [".gitignore", "build/out.bin", "deploy/keys/id_ed25519.pub", "tests/check.sh",
                                    "tests/data/input.txt", "untracked.py"])
        #expect(selection.secrets.map(\.line) == [
            "not synced (an environment file (credentials)): .env",
            "not synced (a private key name): deploy/keys/id_ed25519",
            "not synced (looks like a private key): notes/creds.txt",
        ])
        #expect(!selection.files.contains { $0.hasPrefix(".git/") })
    }

    @Test func qcoordignoreAddsRulesAndASubdirectoryRootListsOnlyItsFiles() throws {
        let root = try Self.makeRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, [".qcoordignore": "/build/\nuntracked.py\n"])
        let selection = try TreeSelection.select(root: root)
        #expect(selection.files == [".gitignore", ".qcoordignore", "deploy/keys/id_ed25519.pub", "tests/check.sh",
                                    "tests/data/input.txt"])
        let sub = try TreeSelection.select(root: root + "/tests")
        #expect(sub.fromGit)
        #expect(sub.files == ["check.sh", "data/input.txt"])
        #expect(sub.secrets.isEmpty)
    }

    @Test func outsideGitTheBuiltInRulesApply() throws {
        let root = NSTemporaryDirectory() + "qcoord-sel-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, [
            "a.py": "x\n", "a.pyc": "x", "m.o": "x", "build/x": "x", "build-arm/y": "y", ".build/z": "z",
            ".hidden/h.py": "h", "__pycache__/c.pyc": "c", "sub/__pycache__/d": "d", "sub/b.py": "b",
            ".ssh/id_rsa": Self.key, "keys/id_rsa": Self.key, "server.pem": "x", ".qcoordignore": "*.skip\n", "x.skip": "s",
        ])
        let selection = try TreeSelection.select(root: root)
        #expect(!selection.fromGit)
        #expect(selection.files == [".qcoordignore", "a.py", "sub/b.py"])
        #expect(selection.secrets.map(\.path) == ["keys/id_rsa", "server.pem"])
    }

    @Test func aTreeOverTheLimitIsRefusedSayingWhatToDo() throws {
        let root = try Self.makeRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let selection = try TreeSelection.select(root: root)
        #expect(throws: TreeSyncError.self) { try TreeManifest.build(selection, maxBytes: 10) }
        do {
            _ = try TreeManifest.build(selection, maxBytes: 10)
        } catch {
            let text = "\(error)"
            #expect(text.contains("--max-sync-size 1M") && text.contains("--tree") && text.contains(".qcoordignore"), "\(text)")
        }
        #expect(try TreeManifest.build(selection, maxBytes: selection.totalBytes).entries.count == selection.files.count)
    }
}
