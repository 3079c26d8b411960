import Foundation
import Testing

/// `make check-functional-run` (part of `make check`): QEMU 10.0.2's asset-free tests/functional
/// tests of x86_64, aarch64, ppc64, s390x and riscv64 (real source and binaries from
/// scripts/qemu-material.sh) give the same per-test statuses under `qcoord run` as when each
/// file is run the way meson runs it (scripts/functional-meson-run.py, whose JSON
/// QCOORD_FUNCTIONAL_REFERENCE names) — on this machine, and over a testbed whose hosts hold
/// the 10.0 binaries of disjoint targets (QCOORD_FUNCTIONAL_TESTBED_DIR).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_FUNCTIONAL_REFERENCE"] != nil,
                             "make check-functional-run sets QCOORD_FUNCTIONAL_REFERENCE"))
struct FunctionalRunDifferentialTests {
    static let environment = ProcessInfo.processInfo.environment
    static let qemu = environment["QCOORD_QEMU10_DIR"] ?? RunHarness.repoRoot.appendingPathComponent("build/qemu-10.0").path
    static var testsDir: String { qemu + "/src/tests/functional" }

    struct Reference: Decodable {
        struct Run: Decodable {
            var target: String
            var file: String
            var tests: [String: Outcome]
        }
        struct Outcome: Decodable { var status: String; var reason: String }
        var runs: [Run]
        var seconds: Double
    }

    static func reference() throws -> Reference {
        let path = try #require(environment["QCOORD_FUNCTIONAL_REFERENCE"])
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// "target unittest-id" → status, from the meson-way runs.
    static func expected(_ reference: Reference) -> [String: String] {
        var out: [String: String] = [:]
        for run in reference.runs {
            for (id, outcome) in run.tests { out["\(run.target) \(id)"] = outcome.status }
        }
        return out
    }

    /// "target unittest-id" → status, from qcoord's results.json (names `file:Class.method;arch=T`).
    static func actual(_ results: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for t in (results["tests"] as? [[String: Any]]) ?? [] {
            guard let name = t["name"] as? String, let status = t["status"] as? String,
                  let semicolon = name.range(of: ";arch="), let colon = name[..<semicolon.lowerBound].lastIndex(of: ":") else { continue }
            let file = name[..<colon]
            let module = (file.split(separator: "/").last ?? "").replacingOccurrences(of: ".py", with: "")
            let id = module + "." + name[name.index(after: colon)..<semicolon.lowerBound]
            out["\(name[semicolon.upperBound...]) \(id)"] = status
        }
        return out
    }

    /// The files and targets of the reference, as `qcoord run` references and `--arch`.
    static func arguments(_ reference: Reference) -> [String] {
        var files: [String] = [], targets: [String] = []
        for run in reference.runs {
            if !files.contains(run.file) { files.append(run.file) }
            if !targets.contains(run.target) { targets.append(run.target) }
        }
        return ["--arch", targets.joined(separator: ",")] + files.map { testsDir + "/" + $0 }
    }

    static func compare(_ outcome: RunHarness.Outcome, _ reference: Reference, label: String) throws {
        let results = try RunHarness.results(outcome.jobDir)
        let want = expected(reference), got = actual(results)
        var counts: [String: Int] = [:]
        for status in got.values { counts[status, default: 0] += 1 }
        print("functional differential (\(label)): \(reference.runs.count) meson runs, \(want.count) tests the meson way "
              + "(\(reference.seconds) s serial); qcoord: \(got.count) tests "
              + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let differing = Set(want.keys).union(got.keys).sorted().filter { want[$0] != got[$0] }
        let diff = differing.map { "\($0): \(want[$0] ?? "absent") → \(got[$0] ?? "absent")" }.joined(separator: "; ")
        #expect(differing.isEmpty, "\(label): statuses differ (meson way → qcoord): \(diff)\nstderr: \(outcome.stderr.suffix(2000))")
        #expect(want.count >= 60, "the reference has too few tests: \(want.count)")
        for target in ["x86_64", "aarch64", "ppc64", "s390x", "riscv64"] {
            #expect(got.keys.contains { $0.hasPrefix(target + " ") }, "\(label): no \(target) test ran")
        }
        let (valid, why) = try RunHarness.validateSchema([outcome.jobDir + "/results.json"])
        #expect(valid, "\(why)")
    }

    @Test("this machine: qcoord run --arch x86_64,aarch64,ppc64,s390x,riscv64 gives meson's statuses")
    func localHost() throws {
        let reference = try Self.reference()
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let outcome = try harness.run(Self.arguments(reference) + ["--python", RunHarness.venv("113") + "/bin/python"],
                                      environment: Self.localEnvironment)
        #expect(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr.suffix(3000))")
        try Self.compare(outcome, reference, label: "local")
        // Each test's own logs came back (QEMU_BUILD_ROOT/tests/functional/<arch>/<id>/base.log).
        let results = try RunHarness.results(outcome.jobDir)
        let passed = ((results["tests"] as? [[String: Any]]) ?? []).filter { ($0["status"] as? String) == "PASS" }
        let withBaseLog = passed.filter { t in
            guard let logdir = t["logdir"] as? String else { return false }
            let found = FileManager.default.enumerator(atPath: logdir)?.contains { ($0 as? String)?.hasSuffix("base.log") == true }
            return found ?? false
        }
        #expect(withBaseLog.count == passed.count, "\(passed.count - withBaseLog.count) passed tests without a base.log")
    }

    /// This machine with QEMU 10.0's binaries first on PATH, pycotap importable.
    static var localEnvironment: [String: String] {
        ["PATH": qemu + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin"), "PYTHONPATH": qemu + "/pylib"]
    }

    @Test("one job, both formats: an Avocado test and a tests/functional test, one report that names each kind")
    func bothFormatsInOneJob() throws {
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let outcome = try harness.run(["--arch", "x86_64,aarch64", "--python", RunHarness.venv("113") + "/bin/python",
                                       "examples/tests/test_qmp.py", Self.testsDir + "/test_version.py"],
                                      environment: Self.localEnvironment)
        #expect(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr.suffix(3000))")
        let tests = (try RunHarness.results(outcome.jobDir)["tests"] as? [[String: Any]]) ?? []
        let kinds = tests.map { "\($0["kind"] ?? "?") \($0["arch"] ?? "?") \($0["status"] ?? "?")" }.sorted()
        // test_qmp.py: three tests per arch-tagged class; test_version.py: one per target.
        #expect(kinds == ["FUNCTIONAL aarch64 PASS", "FUNCTIONAL x86_64 PASS"]
                + Array(repeating: "INSTRUMENTED aarch64 PASS", count: 3) + Array(repeating: "INSTRUMENTED x86_64 PASS", count: 3))
        let tap = (try? String(contentsOfFile: outcome.jobDir + "/results.tap", encoding: .utf8)) ?? ""
        #expect(tap.components(separatedBy: "# kind: FUNCTIONAL").count - 1 == 2)
    }

    @Test("no references and --suite quick in a QEMU tree: tests/functional's quick suites, as make check-functional")
    func checkFunctionalEntry() throws {
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let src = URL(fileURLWithPath: Self.qemu + "/src")
        let outcome = try harness.run(["--suite", "quick", "--arch", "s390x", "--dry-run"], environment: Self.localEnvironment, cwd: src)
        #expect(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr.suffix(3000))")
        #expect(outcome.stderr.contains("running tests/functional (suites quick)"))
        // 10.0's s390x quick suite: its own quick list plus the generic tests, each file's tests once.
        let planned = outcome.stdout.split(separator: "\n").filter { $0.contains(";arch=s390x ->") }
        #expect(!planned.isEmpty)
        #expect(planned.allSatisfy { $0.contains("tests/functional/") })
        #expect(planned.contains { $0.contains("test_version.py:Version.test_qmp_human_info_version;arch=s390x") })
        #expect(!outcome.stdout.contains(";arch=x86_64"))
    }

    @Test("testbed: the same tests routed by target over hosts with disjoint 10.0 binaries give meson's statuses",
          .enabled(if: ProcessInfo.processInfo.environment["QCOORD_FUNCTIONAL_TESTBED_DIR"] != nil))
    func testbed() throws {
        let reference = try Self.reference()
        let state = try #require(Self.environment["QCOORD_FUNCTIONAL_TESTBED_DIR"])
        let harness = try RunHarness()
        defer { harness.cleanup() }
        let outcome = try harness.run(Self.arguments(reference) + ["--inventory", state + "/inventory.yaml",
                                                                   "--known-hosts", state + "/known_hosts"])
        #expect(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr.suffix(3000))")
        try Self.compare(outcome, reference, label: "testbed")
        // Routed by target: every test ran on a host holding its target's binary, from build/qemu-10.0.
        let results = try RunHarness.results(outcome.jobDir)
        for t in (results["tests"] as? [[String: Any]]) ?? [] {
            let bin = t["qemu_bin"] as? String ?? ""
            let arch = t["arch"] as? String ?? ""
            #expect(bin.hasSuffix("/qemu-system-\(arch)"), "\(t["name"] ?? "?"): \(bin) for \(arch)")
        }
        let hosts = Set(((results["tests"] as? [[String: Any]]) ?? []).compactMap { $0["host"] as? String })
        #expect(hosts.count >= 3, "tests ran on \(hosts.sorted())")
    }
}
