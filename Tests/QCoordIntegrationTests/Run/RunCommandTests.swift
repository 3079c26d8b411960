import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `qcoord run` end to end: the built binary, the embedded agent, real Avocado venvs, real QEMU.
@Suite(.serialized) struct RunCommandTests {
    let venv113 = RunHarness.venv("113")
    let venv88 = RunHarness.venv("88")

    /// The local machine is a host like any other: `--dry-run` shows its plan with no job made,
    /// `--plan-json` fits docs/plan.schema.json, a run follows it (jobdata/plan.json is the same
    /// plan), and a SIMPLE test reports the host's arch and no binary.
    @Test func localDryRunPlanFitsTheSchemaAndTheRunFollowsIt() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let planFile = h.resultsDir + "/plan.json"
        let args = ["--python", venv113 + "/bin/python", "--timeout", "120", "-p", "aarch64:timeout=60",
                    "examples/tests/simple_version.sh", "examples/tests/test_qmp.py"]
        let dry = try h.run(["--dry-run", "--plan-json", planFile] + args)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("examples/tests/simple_version.sh -> local; timeout 120 s\n"), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: h.resultsDir + "/latest"), "a dry run made a job")
        let check = try ReportJob.exec(venv113 + "/bin/python", ["scripts/validate_results.py", "--schema", "docs/plan.schema.json", planFile])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        let plan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any])
        let tasks = try #require(plan["tasks"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: tasks.map { ($0["name"] as? String ?? "", $0) })
        for task in tasks where task["arch"] as? String == "aarch64" { #expect(task["timeout"] as? Double == 60) }

        let run = try h.run(args)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let results = (try RunHarness.results(run.jobDir)["tests"] as? [[String: Any]]) ?? []
        #expect(results.count == tasks.count)
        var system = utsname()
        _ = Glibc.uname(&system)
        let machine = withUnsafeBytes(of: system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        for r in results {
            let name = r["name"] as? String ?? ""
            let task = try #require(byName[name])
            let host = try #require((task["hosts"] as? [[String: Any]])?.first)
            #expect(r["host"] as? String == "local")
            #expect(r["qemu_bin"] as? String == host["qemu_bin"] as? String, "\(name)")
            if name.hasSuffix(".sh") {
                #expect(r["qemu_bin"] == nil || r["qemu_bin"] is NSNull, "\(r)")
                #expect(r["arch"] as? String == machine, "\(r)")
            }
        }
        let followed = try Data(contentsOf: URL(fileURLWithPath: run.jobDir + "/jobdata/plan.json"))
        #expect(followed == (try Data(contentsOf: URL(fileURLWithPath: planFile))))
    }

    /// examples/failing holds every status; one job shows them all, the exit bits 1|8 and the report.
    @Test func everyStatusExitBitsReportAndSchema() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = "QCOORD_IT_MARKER=\(UUID().uuidString)"
        let o = try h.run(["--python", venv113 + "/bin/python", "--timeout", "5", "--env", marker,
                           "--json", h.resultsDir + "/copy.json", "--xunit", h.resultsDir + "/copy.xml",
                           "--tap", h.resultsDir + "/copy.tap", "examples/failing"])
        #expect(o.status == 9, "\(o.stdout)\n\(o.stderr)")
        let results = try RunHarness.results(o.jobDir)
        let s = RunHarness.statuses(results)
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_fail"] == "FAIL")
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_error"] == "ERROR")
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_skip"] == "SKIP")
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_cancel"] == "CANCEL")
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_warn"] == "WARN")
        #expect(s["examples/failing/instrumented_statuses.py:Statuses.test_timeout"] == "INTERRUPTED")
        #expect(s["examples/failing/needs_sparc64.py:Sparc64.test_version"] == "CANCEL")
        #expect(s["examples/failing/qemu_timeout.py:HangingGuest.test_hang"] == "INTERRUPTED")
        #expect(s["examples/failing/simple_fail.sh"] == "FAIL")
        #expect(s["examples/failing/unittest_statuses.py:Outcomes.test_pass"] == "PASS")
        let total = try #require(results["total"] as? Int)
        #expect(total == s.count)
        for key in ["pass", "errors", "failures", "skip", "warn", "interrupt", "cancel"] {
            #expect((results[key] as? Int ?? 0) > 0, "\(key)")
        }

        // The timed-out QEMU is gone (within seconds of the job's end on a loaded machine).
        let left = RunHarness.processesSurviving(withEnvironmentMarker: marker, for: 5)
        #expect(left.isEmpty, "left behind: \(left)")

        // Human output: Avocado's lines.
        #expect(o.stdout.hasPrefix("JOB ID     : "))
        #expect(o.stdout.contains("\nJOB LOG    : \(o.jobDir)/job.log\n"))
        #expect(o.stdout.contains(" (09/\(total)) examples/failing/simple_fail.sh: STARTED\n"))
        #expect(o.stdout.contains(" examples/failing/instrumented_statuses.py:Statuses.test_skip:  SKIP: skipped by decorator\n"))
        #expect(o.stdout.contains("RESULTS    : PASS \(results["pass"] ?? 0) | ERROR \(results["errors"] ?? 0) | FAIL \(results["failures"] ?? 0) | SKIP \(results["skip"] ?? 0) | WARN \(results["warn"] ?? 0) | INTERRUPT \(results["interrupt"] ?? 0) | CANCEL \(results["cancel"] ?? 0)\n"))
        #expect(o.stdout.contains("JOB HTML   : \(o.jobDir)/results.html\nJOB TIME   : "))
        #expect(o.stdout.hasSuffix(" s\n\nTest summary:\n"))
        #expect(o.stderr.contains("09-examples/failing/simple_fail.sh: FAIL\n"))

        // Job directory layout.
        let fm = FileManager.default
        for name in ["id", "job.log", "results.json", "results.xml", "results.tap", "results.html",
                     "jobdata/cmdline", "jobdata/pwd", "jobdata/test_references", "jobdata/args.json", "jobdata/journal.jsonl"] {
            #expect(fm.fileExists(atPath: o.jobDir + "/" + name), "\(name)")
        }
        let id = try String(contentsOfFile: o.jobDir + "/id", encoding: .utf8)
        #expect(id.count == 41 && o.jobDir.hasSuffix("-" + id.prefix(7)))
        #expect(URL(fileURLWithPath: o.jobDir).lastPathComponent.range(of: #"^job-\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}-[0-9a-f]{7}$"#,
                                                                      options: .regularExpression) != nil)
        let failDir = o.jobDir + "/test-results/09-examples_failing_simple_fail.sh"
        #expect(fm.fileExists(atPath: failDir + "/debug.log") && fm.fileExists(atPath: failDir + "/data"))
        #expect(try String(contentsOfFile: failDir + "/stdout", encoding: .utf8).isEmpty == false)
        // Readable as Avocado's (ReportModesRunTests: --private-results).
        let mode = try #require(try fm.attributesOfItem(atPath: o.jobDir)[.posixPermissions] as? Int)
        #expect(mode == 0o755 & ~ReportModesRunTests.umask(), "\(String(mode, radix: 8))")
        let journal = try String(contentsOfFile: o.jobDir + "/jobdata/journal.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == total)

        // --json/--xunit/--tap copies, and the extras.
        #expect(try String(contentsOfFile: h.resultsDir + "/copy.json", encoding: .utf8)
                == String(contentsOfFile: o.jobDir + "/results.json", encoding: .utf8))
        let xml = try String(contentsOfFile: h.resultsDir + "/copy.xml", encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"\(URL(fileURLWithPath: o.jobDir).lastPathComponent)\" tests=\"\(total)\""))
        #expect(xml.contains("classname=\"x86_64.Statuses\""))
        let tap = try String(contentsOfFile: h.resultsDir + "/copy.tap", encoding: .utf8)
        #expect(tap.hasPrefix("1..\(total)\n"))
        let first = try #require((results["tests"] as? [[String: Any]])?.first)
        #expect(first["host"] as? String == "local")
        #expect((first["attempts"] as? [[String: Any]])?.count == 1)

        // Our results.json and Avocado 113's own both validate against the schema; a broken one does not.
        let avocadoFile = RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/run/avocado113-results.json").path
        let timeoutFile = RunHarness.repoRoot.appendingPathComponent("Tests/Fixtures/run/avocado113-jobtimeout-results.json").path
        let (ok, text) = try RunHarness.validateSchema([o.jobDir + "/results.json", avocadoFile, timeoutFile])
        #expect(ok, "\(text)")
        let broken = h.resultsDir + "/broken.json"
        try String(contentsOfFile: o.jobDir + "/results.json", encoding: .utf8)
            .replacingOccurrences(of: "\"status\": \"FAIL\"", with: "\"status\": \"BROKEN\"")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(try RunHarness.validateSchema([broken]).0 == false)
    }

    @Test(arguments: ["113", "88"])
    func instrumentedQemuTestsPassUnderBothAvocados(version: String) throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let params = RunHarness.fixtures + "/params_test.py"
        let o = try h.run(["--python", RunHarness.venv(version) + "/bin/python", "examples/tests/test_qmp.py:X86QMP",
                           params, "-p", "qcoord_probe=42"])
        #expect(o.status == 0, "\(o.stdout)\n\(o.stderr)")
        let results = try RunHarness.results(o.jobDir)
        let s = RunHarness.statuses(results)
        #expect(s.count == 4 && s.values.allSatisfy { $0 == "PASS" }, "\(s)")
        let tests = try #require(results["tests"] as? [[String: Any]])
        let qmp = tests.filter { ($0["name"] as? String)?.contains("X86QMP") == true }
        #expect(qmp.count == 3)
        #expect(qmp.allSatisfy { ($0["qemu_bin"] as? String)?.hasSuffix("qemu-system-x86_64") == true })
        #expect(qmp.allSatisfy { $0["arch"] as? String == "x86_64" })

        // Control: without -p the same test FAILs, so the PASS above came from the parameter.
        let without = try h.run(["--python", RunHarness.venv(version) + "/bin/python", params])
        #expect(without.status == 1, "\(without.stdout)")
    }

    @Test func nothingResolvedOrFilteredOutExits2WithAvocadosMessage() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let missing = try h.run(["no/such/test.py"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "No tests found for given test references: no/such/test.py\nTry 'qcoord list -V no/such/test.py' for details\n")
        #expect(missing.stdout.isEmpty)
        let partly = try h.run([RunHarness.fixtures + "/pass.sh", "no/such/test.py"])
        #expect(partly.status == 2)
        let filtered = try h.run(["-t", "nosuchtag", "examples/tests/test_qmp.py"])
        #expect(filtered.status == 2)
        #expect(filtered.stderr.contains("Test Suite could not be created."))
        let nothing = try h.run([], environment: ["AVOCADO_TESTS": ""])
        #expect(nothing.status == 2)
    }

    /// A test file that does not parse inside a directory reference: the other tests run, the
    /// file is named (stderr, job.log, results.json `resolution_errors`) and the job fails (2)
    /// unless --ignore-missing-references, which also lets MISSING references through.
    @Test func brokenFileInADirectoryIsNamedAndFailsTheJob() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let tree = h.resultsDir + "-tree"
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RunHarness.fixtures + "/pass.sh", toPath: tree + "/pass.sh")
        try "from avocado import Test\n\nclass Broken(Test):\n    def test_b(self):\n        x = \"unterminated\n"
            .write(toFile: tree + "/sub/broken.py", atomically: true, encoding: .utf8)

        let o = try h.run([tree])
        #expect(o.status == 2, "\(o.stdout)\n\(o.stderr)")
        #expect(o.stdout.contains(" (1/1) \(tree)/pass.sh:  PASS ("))
        let named = "qcoord: \(tree)/sub/broken.py:5: cannot parse: "
        #expect(o.stderr.hasPrefix(named), "\(o.stderr)")
        #expect(o.stderr.contains(" — its tests are not in this job\n"))
        #expect(o.stderr.contains("1 file could not be read or parsed"))
        let results = try RunHarness.results(o.jobDir)
        let errors = try #require(results["resolution_errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["file"] as? String == tree + "/sub/broken.py")
        #expect(errors.first?["line"] as? Int == 5)
        #expect(((errors.first?["message"] as? String) ?? "").isEmpty == false)
        let jobLog = try String(contentsOfFile: o.jobDir + "/job.log", encoding: .utf8)
        #expect(jobLog.contains(named))
        // One line per test start and end, with host (and arch), status and time.
        #expect(jobLog.contains("qcoord INFO | (1/1) \(tree)/pass.sh: STARTED on local ("), "\(jobLog)")
        #expect(jobLog.contains("qcoord INFO | (1/1) \(tree)/pass.sh: PASS on local in "), "\(jobLog)")
        let (valid, report) = try RunHarness.validateSchema([o.jobDir + "/results.json"])
        #expect(valid, "\(report)")

        let ignored = try h.run(["--ignore-missing-references", tree, "no/such/test.py"])
        #expect(ignored.status == 0, "\(ignored.stdout)\n\(ignored.stderr)")
        #expect(ignored.stderr.hasPrefix(named))
        #expect((try RunHarness.results(ignored.jobDir)["resolution_errors"] as? [Any])?.count == 1)
        let nothing = try h.run(["--ignore-missing-references", "no/such/test.py"])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("Suite is empty"))
    }

    @Test func avocadoTestsEnvironmentVariableSuppliesReferences() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run([], environment: ["AVOCADO_TESTS": RunHarness.fixtures + "/pass.sh"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains(" (1/1) \(RunHarness.fixtures)/pass.sh:  PASS ("))
    }

    @Test func sysinfoPerHostUnlessDisabled() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run([RunHarness.fixtures + "/pass.sh"])
        #expect(o.status == 0, "\(o.stderr)")
        let dir = o.jobDir + "/sysinfo/local"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["cpu", "memory", "os", "qemu", "software", "uname"])
        let uname = try String(contentsOfFile: dir + "/uname", encoding: .utf8)
        #expect(uname.hasPrefix("Linux "))
        #expect(try String(contentsOfFile: dir + "/qemu", encoding: .utf8).contains("qemu-system-"))
        #expect(try String(contentsOfFile: dir + "/cpu", encoding: .utf8).contains("count: \(ProcessInfo.processInfo.activeProcessorCount)"))
        let off = try h.run(["--disable-sysinfo", RunHarness.fixtures + "/pass.sh"])
        #expect(off.status == 0)
        #expect(!FileManager.default.fileExists(atPath: off.jobDir + "/sysinfo"))
    }

    @Test func failfastStopsAfterTheFirstFailureAndSkipsTheRest() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let f = RunHarness.fixtures
        let o = try h.run(["--failfast", "--max-parallel-tasks", "1", f + "/pass.sh", f + "/fail.sh", f + "/env.sh", f + "/hang.sh"])
        #expect(o.status == 9, "\(o.stdout)\(o.stderr)")
        let tests = try #require(try RunHarness.results(o.jobDir)["tests"] as? [[String: Any]])
        #expect(tests.map { $0["status"] as? String } == ["PASS", "FAIL", "SKIP", "SKIP"])
        #expect(tests[2]["fail_reason"] as? String == "Interrupting job (failfast).")
        #expect(o.stderr.hasPrefix("Interrupting job (failfast).\n"))
        #expect(o.stdout.contains("RESULTS    : PASS 1 | ERROR 0 | FAIL 1 | SKIP 2 | WARN 0 | INTERRUPT 0 | CANCEL 0\n"))
    }

    @Test func jobTimeoutInterruptsRunningTestsAndLeavesNoQemu() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = "QCOORD_IT_MARKER=\(UUID().uuidString)"
        let t0 = Date()
        let started = try h.start(["--python", venv113 + "/bin/python", "--job-timeout", "6", "--max-parallel-tasks", "1",
                                   "--env", marker, "examples/failing/qemu_timeout.py", RunHarness.fixtures + "/pass.sh"])
        // Positive control: the test's QEMU does carry the marker while it runs.
        var sawQemu = false
        while !sawQemu && started.0.isRunning && Date().timeIntervalSince(t0) < 30 {
            sawQemu = RunHarness.processes(withEnvironmentMarker: marker).contains { pid in
                let cmd = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
                return cmd.range(of: Data("qemu-system-x86_64".utf8)) != nil
            }
            usleep(100_000)
        }
        #expect(sawQemu)
        let o = h.finish(started)
        #expect(Date().timeIntervalSince(t0) < 40)
        #expect(o.status == 8, "\(o.stdout)\(o.stderr)")
        let tests = try #require(try RunHarness.results(o.jobDir)["tests"] as? [[String: Any]])
        #expect(tests.map { $0["status"] as? String } == ["INTERRUPTED", "SKIP"])
        #expect(tests[1]["fail_reason"] as? String == "Job timeout (6 s) reached")
        // Killed processes take a moment to go on a loaded machine; none may outlive a few seconds.
        let left = RunHarness.processesSurviving(withEnvironmentMarker: marker, for: 5)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// SIGINT (Ctrl-C), SIGTERM (what a CI cancel sends) and SIGHUP alike: one signal stops the
    /// job — the running test is interrupted on its host, the rest listed as not run — and the
    /// full report is written, exit 8.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func oneSignalStopsTheJobAndWritesTheReport(signal: Int32) throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = "QCOORD_IT_MARKER=\(UUID().uuidString)"
        let f = RunHarness.fixtures
        let started = try h.start(["--max-parallel-tasks", "1", "--env", marker, f + "/hang.sh", f + "/pass.sh"])
        let process = started.0
        // Wait until the hanging test runs (its sleep carries our marker).
        let deadline = Date().addingTimeInterval(20)
        while RunHarness.processes(withEnvironmentMarker: marker).isEmpty && Date() < deadline { usleep(100_000) }
        let t0 = Date()
        kill(process.processIdentifier, signal)
        let o = h.finish(started)
        #expect(Date().timeIntervalSince(t0) < 20, "the job did not stop within the grace")
        #expect(o.status == 8, "\(o.stdout)\(o.stderr)")
        let tests = try #require(try RunHarness.results(o.jobDir)["tests"] as? [[String: Any]])
        #expect(tests.map { $0["status"] as? String } == ["INTERRUPTED", "SKIP"])
        let name = signal == SIGINT ? "Interrupted by user request" : signal == SIGTERM ? "Interrupted by SIGTERM" : "Interrupted by SIGHUP"
        #expect(tests[1]["fail_reason"] as? String == name)
        for file in ["results.json", "results.xml", "results.html", "jobdata/end.json"] {
            #expect(FileManager.default.fileExists(atPath: o.jobDir + "/" + file), "\(file)")
        }
        let left = RunHarness.processesSurviving(withEnvironmentMarker: marker, for: 5)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// The first signal waits at most the grace for a test that ignores SIGTERM; a second one
    /// ends the job at once, the report still written and the test's process group killed.
    @Test func aSecondSignalStopsAtOnceEvenWhenATestIgnoresSIGTERM() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let marker = "QCOORD_IT_MARKER=\(UUID().uuidString)"
        let f = RunHarness.fixtures
        let started = try h.start(["--max-parallel-tasks", "1", "--interrupt-grace", "120", "--env", marker,
                                   f + "/stubborn.sh", f + "/pass.sh"])
        let process = started.0
        let deadline = Date().addingTimeInterval(20)
        while RunHarness.processes(withEnvironmentMarker: marker).isEmpty && Date() < deadline { usleep(100_000) }
        kill(process.processIdentifier, SIGINT)
        usleep(1_500_000)
        #expect(process.isRunning, "the first signal waits for the grace")
        let t0 = Date()
        kill(process.processIdentifier, SIGINT)
        let o = h.finish(started)
        #expect(Date().timeIntervalSince(t0) < 15, "a second signal must stop the job at once")
        #expect(o.status == 8, "\(o.stdout)\(o.stderr)")
        let tests = try #require(try RunHarness.results(o.jobDir)["tests"] as? [[String: Any]])
        #expect(tests.map { $0["status"] as? String } == ["INTERRUPTED", "SKIP"])
        #expect((tests[0]["fail_reason"] as? String)?.contains("second SIGINT") == true, "\(tests[0])")
        let left = RunHarness.processesSurviving(withEnvironmentMarker: marker, for: 5)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func forwardsTheSeedGatesAndExplicitEnv() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run(["--env", "FOO=bar", RunHarness.fixtures + "/env.sh"],
                          environment: ["SPEED": "slow", "QCOORD_NOT_FORWARDED": "leak"])
        #expect(o.status == 0)
        let dir = o.jobDir + "/test-results/1-" + (RunHarness.fixtures + "/env.sh").replacingOccurrences(of: "/", with: "_")
        let out = try String(contentsOfFile: dir + "/stdout", encoding: .utf8)
        #expect(out.contains("SPEED=slow FOO=bar"))
    }

    @Test func unwritableReportCopySetsTheInternalErrorBit() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let o = try h.run(["--json", "/nonexistent-dir/x.json", RunHarness.fixtures + "/pass.sh"])
        #expect(o.status == 4, "\(o.stderr)")
        #expect(o.stderr.contains("/nonexistent-dir/x.json"))
        #expect(FileManager.default.fileExists(atPath: o.jobDir + "/results.json"))
    }
}
