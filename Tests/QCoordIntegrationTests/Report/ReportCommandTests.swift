import Foundation
import Testing

/// The job report read by other tools: Avocado 113's `avocado jobs show`, a JUnit schema,
/// an NDJSON consumer, `qcoord jobs`, and a terminal. One real job (ReportJob) under all of them.
@Suite(.serialized) struct ReportCommandTests {
    @Test func theJobRanEveryStatusInPlainAvocadoLines() throws {
        let job = try ReportJob.get()
        #expect(job.status == 9, "\(job.stdout)\n\(job.stderr)")
        // Statuses that do not depend on the machine's load (the instrumented ones have a 3 s
        // class timeout, which a loaded 2-core machine can turn into INTERRUPTED).
        let statuses = Set(try job.tests().map(\.status))
        #expect(statuses.isSuperset(of: ["PASS", "FAIL", "INTERRUPTED", "CANCEL"]), "\(statuses)")
        // Not a terminal: Avocado's lines exactly, no status line.
        #expect(job.stdout.contains(": STARTED\n"))
        #expect(!job.stdout.contains("\r") && !job.stdout.contains("\u{1B}"))
        #expect(job.stdout.contains("JOB HTML   : \(job.jobDir)/results.html\n"))
    }

    /// Avocado's own tool prints every test of our job with its status, and our counts.
    @Test func avocadoJobsShowReadsTheJob() throws {
        let job = try ReportJob.get()
        let o = try ReportJob.exec(RunHarness.venv("113") + "/bin/avocado", ["jobs", "show", job.jobDir])
        #expect(o.status == 0, "\(o.stdout)\n\(o.stderr)")
        let lines = o.stdout.split(separator: "\n").map(String.init)
        let tests = try job.tests()
        #expect(tests.count == 19)
        for t in tests {
            let row = lines.first { $0.hasPrefix(t.id + " ") }
            #expect(row?.hasSuffix(" " + t.status) == true, "\(t.id) \(t.status): \(row ?? "no row")")
            // results.json's actual_end/time fill its End Time and Run Time columns.
            #expect(row?.contains("<unknown>") == (t.host == nil), "\(row ?? "")")
        }
        let results = try RunHarness.results(job.jobDir)
        let n = { (key: String) in (results[key] as? Int) ?? -1 }
        #expect(o.stdout.contains("RESULTS     : PASS \(n("pass")) | ERROR \(n("errors")) | FAIL \(n("failures")) | SKIP \(n("skip")) |"
                                  + "WARN \(n("warn")) | INTERRUPT \(n("interrupt")) | CANCEL \(n("cancel"))\n"), "\(o.stdout)")
        #expect(o.stdout.contains("JOB LOG     : \(job.jobDir)/job.log\n"))
    }

    /// results.xml validates against docs/junit.xsd; an invalid file does not (the check can fail).
    @Test func junitValidatesAgainstTheSchema() throws {
        let job = try ReportJob.get()
        let python = RunHarness.venv("113") + "/bin/python"
        let script = RunHarness.repoRoot.appendingPathComponent("scripts/validate_junit.py").path
        let ok = try ReportJob.exec(python, [script, job.jobDir + "/results.xml"])
        #expect(ok.status == 0, "\(ok.stdout)\n\(ok.stderr)")
        let xml = try String(contentsOfFile: job.jobDir + "/results.xml", encoding: .utf8)
        #expect(xml.contains("classname=\"x86_64.Statuses\" name=\"examples/failing/instrumented_statuses.py:Statuses.test_fail\" file=\"examples/failing/instrumented_statuses.py\""))
        #expect(xml.contains("<property name=\"host\" value=\"local\"/>"))
        #expect(xml.contains("<property name=\"qemu_bin\" value=\"/usr/bin/qemu-system-x86_64\"/>"))
        #expect(xml.contains("<property name=\"qemu_version\" value=\"7.2"))

        let broken = job.resultsDir + "/broken.xml"
        try xml.replacingOccurrences(of: " file=\"", with: " line=\"x\" file=\"").write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try ReportJob.exec(python, [script, broken])
        #expect(bad.status == 1 && bad.stdout.contains("broken.xml"), "\(bad.stdout)\n\(bad.stderr)")
    }

    /// `--json-events`: job start first, job end last, one start and one finish per test that ran.
    @Test func jsonEventsStreamEveryEvent() throws {
        let job = try ReportJob.get()
        let text = try String(contentsOfFile: job.eventsPath, encoding: .utf8)
        let events = try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let names = events.map { $0["event"] as? String ?? "" }
        #expect(names.first == "job_started" && names.last == "job_finished")
        #expect(names.filter { $0 == "host_up" }.count == 1)
        let tests = try job.tests()
        let finished = events.filter { $0["event"] as? String == "test_finished" }
        #expect(finished.count == tests.count)
        #expect(Set(finished.compactMap { $0["id"] as? String }) == Set(tests.map(\.id)))
        for t in tests {
            #expect(finished.first { $0["id"] as? String == t.id }?["status"] as? String == t.status, "\(t.id)")
        }
        let started = events.filter { $0["event"] as? String == "test_started" }.compactMap { $0["id"] as? String }
        let ran = Set(finished.filter { $0["ran"] as? Bool == true }.compactMap { $0["id"] as? String })
        #expect(Set(started) == ran && started.count == ran.count)
        let counts = try #require(events.last?["counts"] as? [String: Int])
        #expect(counts.values.reduce(0, +) == tests.count)
        let times = events.compactMap { $0["time"] as? Double }
        #expect(times.count == events.count && times == times.sorted())
    }

    /// `--json-events -`: stdout is only events; the human output moves to stderr.
    @Test func jsonEventsOnStdout() throws {
        let dir = ReportJob.artifacts + "/report-stdout"
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let o = try ReportJob.exec(RunHarness.qcoord, ["run", "--job-results-dir", dir, "--python", RunHarness.venv("113") + "/bin/python",
                                                       "--json-events", "-", "Tests/Fixtures/run/tests/pass.sh", "Tests/Fixtures/run/tests/fail.sh"])
        #expect(o.status == 1, "\(o.stderr)")
        let lines = o.stdout.split(separator: "\n")
        #expect(lines.count == 7, "\(o.stdout)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["v"] as? Int == 1, "\(line)")
        }
        #expect(o.stderr.hasPrefix("JOB ID     : ") && o.stderr.contains(":  FAIL: Exited with status 1"))
    }

    @Test func qcoordJobsListAndShow() throws {
        let job = try ReportJob.get()
        let id = try String(contentsOfFile: job.jobDir + "/id", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let list = try ReportJob.exec(RunHarness.qcoord, ["jobs", "list", "--job-results-dir", job.resultsDir])
        #expect(list.status == 0 && list.stdout.hasPrefix(id + " ") && list.stdout.contains(" 19 ("), "\(list.stdout)\(list.stderr)")
        for ref in [nil, String(id.prefix(8)), job.jobDir] as [String?] {
            let show = try ReportJob.exec(RunHarness.qcoord, ["jobs", "show", "--job-results-dir", job.resultsDir] + (ref.map { [$0] } ?? []))
            #expect(show.status == 0, "\(show.stderr)")
            #expect(show.stdout.hasPrefix("JOB ID      : \(id)\n"))
            for t in try job.tests() {
                let row = show.stdout.split(separator: "\n").first { $0.hasPrefix(t.id + " ") }
                let fields = (row ?? "").split(separator: " ").map(String.init)
                // … End Time (2 fields), Run Time, Status, Host, Arch.
                #expect(fields.count >= 6 && fields[fields.count - 3] == t.status && fields[fields.count - 2] == (t.host ?? "-"),
                        "\(t.id): \(row ?? "no row")")
            }
        }
        let missing = try ReportJob.exec(RunHarness.qcoord, ["jobs", "show", "--job-results-dir", job.resultsDir, "ffffnotanid"])
        #expect(missing.status == 4 && missing.stderr.contains("no job matches \"ffffnotanid\""))
    }

    /// On a terminal (a pty from script(1)): one status line redrawn in place, no STARTED lines.
    @Test func liveProgressLineOnATerminal() throws {
        let dir = ReportJob.artifacts + "/report-tty"
        try? FileManager.default.removeItem(atPath: dir)
        let command = [RunHarness.qcoord, "run", "--job-results-dir", dir, "--python", RunHarness.venv("113") + "/bin/python",
                       "--max-parallel-tasks", "2", "Tests/Fixtures/run/tests/pass.sh", "Tests/Fixtures/run/tests/fail.sh"]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        // NO_COLOR: Avocado's plain bytes around the live line (the tmux suite checks the colours).
        let o = try ReportJob.exec("/usr/bin/script", ["-qfec", command, "/dev/null"], environment: ["TERM": "xterm", "COLUMNS": "200", "NO_COLOR": "1"])
        #expect(o.status == 1, "\(o.stdout)\n\(o.stderr)")
        #expect(o.stdout.contains("\r\u{1B}[K0/2 done · "), "\(o.stdout.debugDescription)")
        #expect(o.stdout.contains(" failed · ETA "))
        #expect(!o.stdout.contains("\u{1B}[32m") && !o.stdout.contains("\u{1B}[1;31m"))
        #expect(o.stdout.contains("local: "))
        #expect(!o.stdout.contains("STARTED"))
        #expect(o.stdout.contains("Tests/Fixtures/run/tests/fail.sh:  FAIL"))
        #expect(o.stdout.contains("RESULTS    : PASS 1 | ERROR 0 | FAIL 1 |"))
        try? FileManager.default.removeItem(atPath: dir)
    }
}
