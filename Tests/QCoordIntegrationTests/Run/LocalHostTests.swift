import Foundation
import Testing

/// Working without hosts and without `--python` (issue 15): `qcoord hosts` shows this machine,
/// the local Python is found alone ($VIRTUAL_ENV, the venv of `qcoord deploy --local`), a job
/// whose INSTRUMENTED tests find no Avocado stops once with exit 2, unreachable hosts exit 2,
/// and `--resume` of a complete job says so.
@Suite(.serialized) struct LocalHostTests {
    /// `qcoord ARGS` in the repository, with the harness's private cache and no venv active.
    static func qcoord(_ h: RunHarness, _ args: [String], environment: [String: String] = [:]) throws -> RunHarness.Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RunHarness.qcoord)
        p.arguments = args
        p.currentDirectoryURL = RunHarness.repoRoot
        var env = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": h.cacheDir]) { _, new in new }
        env["VIRTUAL_ENV"] = nil
        p.environment = env.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return h.finish((p, out, err))
    }

    /// A venv as `qcoord deploy --local --with-avocado 113.0` leaves it in `cache`, made from the
    /// reference venv (its pyvenv.cfg, its packages), without the network.
    static func fakeDeployedVenv(cache: String) throws -> String {
        let fm = FileManager.default
        let venv = cache + "/qcoord/venv-avocado-113.0"
        let source = RunHarness.venv("113")
        try fm.createDirectory(atPath: venv + "/bin", withIntermediateDirectories: true)
        try fm.copyItem(atPath: source + "/pyvenv.cfg", toPath: venv + "/pyvenv.cfg")
        try fm.createSymbolicLink(atPath: venv + "/lib", withDestinationPath: source + "/lib")
        try fm.createSymbolicLink(atPath: venv + "/bin/python",
                                  withDestinationPath: URL(fileURLWithPath: source + "/bin/python").resolvingSymlinksInPath().path)
        for tool in ["avocado", "avocado-runner-avocado-instrumented"] where fm.fileExists(atPath: source + "/bin/" + tool) {
            let text = try String(contentsOfFile: source + "/bin/" + tool, encoding: .utf8)
            let body = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
            _ = fm.createFile(atPath: venv + "/bin/" + tool, contents: Data(("#!" + venv + "/bin/python\n" + body).utf8),
                              attributes: [.posixPermissions: 0o755])
        }
        _ = fm.createFile(atPath: venv + "/.qcoord-deployed.json", contents: Data(#"{"avocado": "113.0"}"#.utf8))
        return venv
    }

    @Test func hostsWithoutHostsShowsThisMachine() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try Self.qcoord(h, ["hosts"])
        #expect(o.status == 0, "\(o.stderr)")
        let row = o.stdout.split(separator: "\n").first { $0.hasPrefix("local ") }.map(String.init) ?? ""
        #expect(row.contains("this machine") && row.contains("x86_64"), "\(o.stdout)")
        #expect(o.stdout.contains("python: python3 (python3 on PATH)"), "\(o.stdout)")
        #expect(o.stdout.contains("qcoord deploy --local --with-avocado 113.0"), "\(o.stdout)")

        let venv = try Self.qcoord(h, ["hosts"], environment: ["VIRTUAL_ENV": RunHarness.venv("113")])
        #expect(venv.status == 0 && venv.stdout.contains("113.0"), "\(venv.stdout)\(venv.stderr)")
        #expect(venv.stdout.contains("python: \(RunHarness.venv("113"))/bin/python ($VIRTUAL_ENV)"), "\(venv.stdout)")
    }

    @Test func dryRunShowsTheSameLocalFacts() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try Self.qcoord(h, ["run", "--dry-run", "examples/tests/simple_version.sh"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains("local: x86_64,") && o.stdout.contains("cpus, kvm ") && o.stdout.contains("python3 (python3 on PATH)")
                && o.stdout.contains("avocado none"), "\(o.stdout)")
    }

    @Test func instrumentedTestsWithoutAvocadoStopTheJobOnceWithExit2() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try Self.qcoord(h, ["run", "--job-results-dir", h.resultsDir, "examples/tests"])
        #expect(o.status == 2, "\(o.stdout)\(o.stderr)")
        #expect(o.stderr.components(separatedBy: "qcoord deploy --local --with-avocado 113.0").count == 2, "\(o.stderr)")
        #expect(!o.stderr.contains("before the job starts") && !o.stdout.contains("ERROR"), "\(o.stdout)\(o.stderr)")
        #expect(!FileManager.default.fileExists(atPath: o.jobDir + "/results.json"))

        // --python that lacks it: the same single message, naming it.
        let p = try Self.qcoord(h, ["run", "--job-results-dir", h.resultsDir, "--python", "/usr/bin/python3", "examples/tests/test_qmp.py"])
        #expect(p.status == 2 && p.stderr.contains("'--python /usr/bin/python3' cannot import it"), "\(p.stderr)")
    }

    @Test func virtualEnvAndTheDeployedVenvAreFoundWithoutPython() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let args = ["run", "--job-results-dir", h.resultsDir, "-t", "quick", "examples/tests"]
        let venv = try Self.qcoord(h, args, environment: ["VIRTUAL_ENV": RunHarness.venv("113")])
        #expect(venv.status == 0, "\(venv.stdout)\(venv.stderr)")
        let statuses = RunHarness.statuses(try RunHarness.results(venv.jobDir))
        #expect(!statuses.isEmpty && statuses.values.allSatisfy { $0 == "PASS" }, "\(statuses)")

        // README: `qcoord run -t quick examples/tests` after `make demo` (which runs `qcoord deploy --local`).
        let deployed = try Self.fakeDeployedVenv(cache: h.cacheDir)
        let o = try Self.qcoord(h, args)
        #expect(o.status == 0, "\(o.stdout)\(o.stderr)")
        let log = (try? String(contentsOfFile: o.jobDir + "/job.log", encoding: .utf8)) ?? ""
        #expect(log.contains("python \(deployed)/bin/python (qcoord deploy --local)"), "\(log)")
    }

    @Test func everyHostUnreachableExits2WithOneLinePerHost() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try Self.qcoord(h, ["run", "--job-results-dir", h.resultsDir, "--hosts", "127.0.0.1:1,127.0.0.1:9",
                                    "--connect-timeout", "3", "examples/tests"])
        #expect(o.status == 2, "\(o.stdout)\(o.stderr)")
        let lines = o.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("127.0.0.1:1") && $0.contains("refused") }.count == 1, "\(o.stderr)")
        #expect(lines.filter { $0.contains("127.0.0.1:9") && $0.contains("refused") }.count == 1, "\(o.stderr)")
        #expect(o.stderr.contains("no host could be reached (2 of 2 unreachable)"), "\(o.stderr)")
        #expect(!o.stderr.contains("before the job starts"), "\(o.stderr)")
    }

    @Test func resumeOfACompleteJobSaysSoWithItsExitCode() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let passed = try Self.qcoord(h, ["run", "--job-results-dir", h.resultsDir, RunHarness.fixtures + "/pass.sh"])
        #expect(passed.status == 0)
        let again = try Self.qcoord(h, ["run", "--resume", passed.jobDir])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("is already complete") && again.stdout.split(separator: "\n").count == 1, "\(again.stdout)")

        let failed = try Self.qcoord(h, ["run", "--job-results-dir", h.resultsDir, RunHarness.fixtures + "/fail.sh"])
        #expect(failed.status == 1)
        let resumed = try Self.qcoord(h, ["run", "--resume", failed.jobDir])
        #expect(resumed.status == 1 && resumed.stdout.contains("is already complete"), "\(resumed.stdout)\(resumed.stderr)")
    }
}
