import Foundation
import QCoordCore
import QCoordRun
import Testing

/// Tree sync on a real testbed (`make test-tree-sync`: prefix qcts on 10.231.24): from a git
/// checkout only git's files go to the hosts (tracked, plus untracked not ignored), never key
/// material, each secret named on stderr and in job.log; `--dry-run` says what each host would
/// be sent; a tree over `--max-sync-size` is refused; the host's cache is its owner's only.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_TREESYNC_DIR"] != nil,
                             "set QCOORD_TREESYNC_DIR to a testbed's state dir (make test-tree-sync)"))
struct TreeSyncTestbedTests {
    let state = ProcessInfo.processInfo.environment["QCOORD_TREESYNC_DIR"] ?? ""
    var hostArgs: [String] { ["--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts"] }

    static let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"

    static func git(_ root: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@t"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TreeSyncError("git \(args) failed") }
    }

    /// A git checkout whose SIMPLE test lists, on the host, every file of the tree it got and
    /// the mode of the host's cache directory. Contents are unique per call (a fresh tree).
    static func makeCheckout() throws -> String {
        let root = NSTemporaryDirectory() + "qcoord-ts-\(UUID().uuidString)"
        let unique = UUID().uuidString
        let files: [String: String] = [
            "tests/list.sh": "#!/bin/sh\n# \(unique)\ncd \"$(dirname \"$0\")/..\" || exit 1\nfind . -type f | sort\n"
                + "echo \"cache mode $(stat -c %a \"$HOME/.cache/qcoord\")\"\n",
            "tests/data.txt": "data \(unique)\n",
            ".gitignore": "# \(unique)\n*.log\n/build/\n",
            "debug.log": "ignored\n",
            "untracked.py": "x = '\(unique)'\n",
            "keys/id_ed25519": key,
            "notes.txt": "a note\n" + key,
            ".env": "TOKEN=secret\n",
            "build/artifact.bin": "built\n",
        ]
        for (path, content) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/tests/list.sh")
        try git(root, ["init", "-q"])
        try git(root, ["add", "tests", ".gitignore", "keys", "notes.txt", ".env"])
        try git(root, ["commit", "-qm", "checkout"])
        return root
    }

    static let secretLines = [
        "not synced (an environment file (credentials)): .env",
        "not synced (a private key name): keys/id_ed25519",
        "not synced (looks like a private key): notes.txt",
    ]

    @Test func onlyGitsFilesArriveNeverKeysAndDryRunSaysWhatWouldGo() throws {
        let checkout = try Self.makeCheckout()
        defer { try? FileManager.default.removeItem(atPath: checkout) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let args = hostArgs + ["--tree", checkout, checkout + "/tests/list.sh"]
        let shipped = [".gitignore", "tests/data.txt", "tests/list.sh", "untracked.py"]
        let bytes = try shipped.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: checkout + "/" + $1)[.size] as? Int ?? 0) }

        // Before: every host lacks all 4 files.
        let before = try harness.run(args + ["--dry-run"])
        #expect(before.status == 0, "\(before.stdout)\n\(before.stderr)")
        let beforeLines = before.stdout.split(separator: "\n").map(String.init)
        #expect(beforeLines.contains("Test tree: \(checkout) (git: 4 files, \(bytes) bytes)"), "\(before.stdout)")
        for line in Self.secretLines {
            #expect(beforeLines.contains("  " + line), "\(before.stdout)")
            #expect(before.stderr.contains(line + "\n"), "\(before.stderr)")
        }
        for host in ["h1", "h2", "h3"] {
            #expect(beforeLines.contains("  \(host): would send 4 files, \(bytes) bytes"), "\(before.stdout)")
        }

        let run = try harness.run(args)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let stderrLines = run.stderr.split(separator: "\n").map(String.init)
        for line in Self.secretLines {
            #expect(stderrLines.filter { $0 == line }.count == 1, "one warning line each: \(run.stderr)")
        }
        // Not a terminal: one summary line.
        let summaries = stderrLines.filter { $0.hasPrefix("tree sync: ") }
        #expect(summaries.count == 1 && summaries.first?.contains("h1 4 files") == true, "\(run.stderr)")
        let jobLog = try String(contentsOfFile: run.jobDir + "/job.log", encoding: .utf8)
        for line in Self.secretLines { #expect(jobLog.contains(line), "\(jobLog)") }
        #expect(run.stdout.contains("TREE SYNC  :"))

        let results = try RunHarness.results(run.jobDir)
        let test = try #require((results["tests"] as? [[String: Any]])?.first)
        #expect(test["status"] as? String == "PASS", "\(test)")
        let stdout = try String(contentsOfFile: (test["logdir"] as? String ?? "") + "/stdout", encoding: .utf8)
        let seen = stdout.split(separator: "\n").map(String.init)
        #expect(seen.filter { $0.hasPrefix("./") } == ["./.gitignore", "./.qcoord-complete", "./tests/data.txt", "./tests/list.sh", "./untracked.py"],
                "exactly git's files, no key, no .env, no ignored or build output: \(stdout)")
        #expect(seen.contains("cache mode 700"), "the host's cache is its owner's only: \(stdout)")

        // After: the hosts' caches hold it all.
        let after = try harness.run(args + ["--dry-run"])
        for host in ["h1", "h2", "h3"] {
            #expect(after.stdout.contains("  \(host): would send 0 files, 0 bytes (the tree is there)"), "\(after.stdout)")
        }
    }

    @Test func aTreeOverMaxSyncSizeIsRefusedSayingWhatToDo() throws {
        let checkout = try Self.makeCheckout()
        defer { try? FileManager.default.removeItem(atPath: checkout) }
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let out = try harness.run(hostArgs + ["--tree", checkout, "--max-sync-size", "100", checkout + "/tests/list.sh"])
        #expect(out.status != 0)
        let refusal = try #require(out.stderr.split(separator: "\n").first { $0.contains("over the 100 B tree sync allows") }, "\(out.stderr)")
        #expect(refusal.contains("--max-sync-size 1M") && refusal.contains(".qcoordignore") && refusal.contains("'--tree DIR'"))
        #expect(out.stderr.components(separatedBy: "over the 100 B").count == 2, "said once: \(out.stderr)")
        let dry = try harness.run(hostArgs + ["--tree", checkout, "--max-sync-size", "100", "--dry-run", checkout + "/tests/list.sh"])
        #expect(dry.stdout.contains("  refused: the test tree \(checkout)"), "\(dry.stdout)")
    }
}
