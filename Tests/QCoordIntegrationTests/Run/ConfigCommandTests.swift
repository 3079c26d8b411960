import Foundation
import Testing

/// Config files and environment as a user meets them: `qcoord config show`, a bad key, and a
/// `qcoord run` taking its results directory and python from ./qcoord.yaml (docs/config.md).
@Suite struct ConfigCommandTests {
    /// A scratch tree: `xdg/qcoord/config.yaml` (the user's) and `work/` (a git checkout with tests).
    struct Scratch {
        let root = NSTemporaryDirectory() + "qcoord-config-it-\(UUID().uuidString)"
        var work: String { root + "/work" }
        var userFile: String { root + "/xdg/qcoord/config.yaml" }

        init() throws {
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/xdg/qcoord", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: work + "/.git", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: work + "/tests", withIntermediateDirectories: true)
            try "#!/bin/sh\nexit 0\n".write(toFile: work + "/tests/pass.sh", atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work + "/tests/pass.sh")
        }

        func qcoord(_ args: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RunHarness.qcoord)
            p.arguments = args
            p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? work + "/tests")
            var env = ProcessInfo.processInfo.environment
            for k in ["QCOORD_INVENTORY", "QCOORD_RESULTS_DIR"] { env[k] = nil }
            env["XDG_CONFIG_HOME"] = root + "/xdg"
            env["XDG_CACHE_HOME"] = root + "/cache"
            p.environment = env.merging(environment) { _, new in new }
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let (status, stdout, stderr) = RunHarness.wait((p, out, err))
            return (status, stdout, stderr)
        }

        func cleanup() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func showSaysWhereEachSettingCameFrom() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try "inventory: lab.yaml\njob-results-dir: ~/results\npython: /opt/user/python\n".write(toFile: s.userFile, atomically: true, encoding: .utf8)
        try "# project defaults\narch: [x86_64, aarch64]\ninventory: ci/lab.yaml\n".write(toFile: s.work + "/qcoord.yaml", atomically: true, encoding: .utf8)
        let o = try s.qcoord(["config", "show", "--known-hosts", "kh"], environment: ["QCOORD_RESULTS_DIR": "/env/results", "HOME": s.root])
        #expect(o.status == 0, "\(o.stderr)")
        let lines = o.stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(5) == [
            "inventory:       \(s.work)/ci/lab.yaml  (\(s.work)/qcoord.yaml:3)",
            "python:          /opt/user/python  (\(s.userFile):3)",
            "job-results-dir: /env/results  (QCOORD_RESULTS_DIR)",
            "known-hosts:     kh  (--known-hosts)",
            "arch:            x86_64,aarch64  (\(s.work)/qcoord.yaml:2)",
        ], "\(o.stdout)")
        #expect(lines.suffix(2) == ["user file:    \(s.userFile)", "project file: \(s.work)/qcoord.yaml"])
        // A flag beats them all; --hosts keeps the inventory out.
        let flagged = try s.qcoord(["config", "show", "--job-results-dir", "/flag", "--hosts", "h1"], environment: ["QCOORD_RESULTS_DIR": "/env/results"])
        #expect(flagged.stdout.contains("job-results-dir: /flag  (--job-results-dir)"))
        #expect(flagged.stdout.contains("inventory:       (not set)  (not used: --hosts given)"))
    }

    @Test func unknownKeyStopsTheCommandWithFileAndLine() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try "python: /usr/bin/python3\n\nresults-dir: /r\n".write(toFile: s.work + "/qcoord.yaml", atomically: true, encoding: .utf8)
        for args in [["config", "show"], ["run", "pass.sh"], ["jobs", "list"]] {
            let o = try s.qcoord(args)
            #expect(o.status == 2, "\(args): \(o.stdout)\(o.stderr)")
            #expect(o.stderr.hasPrefix("qcoord: \(s.work)/qcoord.yaml:3: unknown key 'results-dir'; known keys: inventory, python, job-results-dir, known-hosts, arch"),
                    "\(args): \(o.stderr)")
        }
    }

    /// `--hosts` and `run --slurm` name the run's hosts: QCOORD_INVENTORY (a file that does not
    /// exist here) is not read, so it cannot be what stops the run.
    @Test func hostsAndSlurmKeepTheInventoryOut() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let env = ["QCOORD_INVENTORY": s.root + "/no-such-inventory.yaml"]
        let plain = try s.qcoord(["run", "--dry-run", "pass.sh"], environment: env)
        #expect(plain.status == 2 && plain.stderr.contains("no-such-inventory.yaml"), "\(plain.stderr)")
        for flags in [["--hosts", "h1.invalid"], ["--slurm"]] {
            let o = try s.qcoord(["run", "--dry-run", "--connect-timeout", "2"] + flags + ["pass.sh"], environment: env)
            #expect(!o.stderr.contains("no-such-inventory.yaml"), "\(flags): \(o.stderr)")
        }
    }

    /// `hosts` and `deploy` take the inventory from the environment too (a missing file is named);
    /// `hosts --python` (this machine) does not.
    @Test func hostsAndDeployTakeTheInventoryFromTheEnvironment() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let env = ["QCOORD_INVENTORY": s.root + "/no-such-inventory.yaml"]
        for args in [["hosts"], ["deploy"]] {
            let o = try s.qcoord(args, environment: env)
            #expect(o.status == 2 && o.stderr.contains("no-such-inventory.yaml"), "\(args): \(o.stderr)")
        }
        let local = try s.qcoord(["hosts", "--python", RunHarness.venv("113") + "/bin/python"], environment: env)
        #expect(local.status == 0 && local.stdout.contains("this machine"), "\(local.stdout)\(local.stderr)")
    }

    /// `run` with no flags takes the project's results directory (relative to qcoord.yaml) and python.
    @Test func runTakesItsDefaultsFromTheProjectFile() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let python = RunHarness.venv("113") + "/bin/python"
        try "job-results-dir: out/results\npython: \(python)\n".write(toFile: s.work + "/qcoord.yaml", atomically: true, encoding: .utf8)
        // The user's file is beaten by the project's.
        try "job-results-dir: /nonexistent/never\n".write(toFile: s.userFile, atomically: true, encoding: .utf8)
        let o = try s.qcoord(["run", "pass.sh"])
        #expect(o.status == 0, "\(o.stdout)\(o.stderr)")
        let latest = s.work + "/out/results/latest"
        #expect(FileManager.default.fileExists(atPath: latest + "/results.json"), "\(o.stdout)")
        let args = try String(contentsOfFile: latest + "/jobdata/args.json", encoding: .utf8)
        #expect(args.contains(python), "\(args)")
        #expect(o.stdout.contains("RESULTS    : PASS 1 |"))
        // QCOORD_RESULTS_DIR beats the file; the flag beats the variable.
        let env = try s.qcoord(["run", "pass.sh"], environment: ["QCOORD_RESULTS_DIR": s.root + "/env-results"])
        #expect(env.status == 0 && FileManager.default.fileExists(atPath: s.root + "/env-results/latest/results.json"), "\(env.stderr)")
        let flag = try s.qcoord(["run", "--job-results-dir", s.root + "/flag-results", "pass.sh"], environment: ["QCOORD_RESULTS_DIR": s.root + "/env-results"])
        #expect(flag.status == 0 && FileManager.default.fileExists(atPath: s.root + "/flag-results/latest/results.json"), "\(flag.stderr)")
        // `jobs list` reads the same directory.
        let jobs = try s.qcoord(["jobs", "list"])
        #expect(jobs.status == 0 && jobs.stdout.split(separator: "\n").count == 1, "\(jobs.stdout)\(jobs.stderr)")
    }
}
