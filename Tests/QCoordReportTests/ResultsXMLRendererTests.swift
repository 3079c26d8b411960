import Testing
import Foundation
import QCoordCore
@testable import QCoordReport

@Suite struct ResultsXMLRendererTests {
    static let job = JobSummary(
        jobID: String(repeating: "f", count: 40), jobDir: "/r/job-x", jobName: "job-2026-11-22T02.44-fffffff",
        start: "2026-11-22 02:44:18.327111", timestamp: "2026-11-22T02:44:22.768674", jobTime: 2,
        tests: [
            TestResult(uid: 1, id: "1-t/inst.py:Inst.test_pass", name: "t/inst.py:Inst.test_pass", kind: .instrumented,
                       status: .pass, timeElapsed: 0.0207, arch: "x86_64"),
            TestResult(uid: 2, id: "2-t/inst.py:Inst.test_fail", name: "t/inst.py:Inst.test_fail", kind: .instrumented,
                       status: .fail, failReason: "bad <thing>\nline \"two\"", timeElapsed: 0.0703),
            TestResult(uid: 3, id: "3-t/x.sh", name: "t/x.sh", kind: .simple, status: .interrupted,
                       failReason: "Test interrupted: Timeout reached", timeElapsed: 1.3312),
            TestResult(uid: 4, id: "4-t/y.sh", name: "t/y.sh", kind: .simple, status: .cancel, failReason: "nope"),
            TestResult(uid: 5, id: "5-t/z.sh", name: "t/z.sh", kind: .simple, status: .error, failReason: "e",
                       timeElapsed: 0.0005, arch: "aarch64"),
        ])

    @Test func rendersAvocadoShapedJUnit() {
        let xml = ResultsXMLRenderer.render(Self.job, logs: [2: "log ]]> end\u{1}", 3: "slow"])
        #expect(xml == """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="job-2026-11-22T02.44-fffffff" tests="5" errors="2" failures="1" skipped="1" time="1.423" timestamp="2026-11-22T02:44:22.768674">
            \t<properties>
            \t\t<property name="job_id" value="ffffffffffffffffffffffffffffffffffffffff"/>
            \t</properties>
            \t<testcase classname="x86_64.Inst" name="t/inst.py:Inst.test_pass" file="t/inst.py" time="0.021">
            \t\t<properties>
            \t\t\t<property name="kind" value="INSTRUMENTED"/>
            \t\t\t<property name="arch" value="x86_64"/>
            \t\t</properties>
            \t</testcase>
            \t<testcase classname="Inst" name="t/inst.py:Inst.test_fail" file="t/inst.py" time="0.070">
            \t\t<properties>
            \t\t\t<property name="kind" value="INSTRUMENTED"/>
            \t\t</properties>
            \t\t<failure type="TestFail" message="bad &lt;thing&gt;
            line &quot;two&quot;"><![CDATA[bad <thing>
            line "two"]]></failure>
            \t\t<system-out><![CDATA[log ]]]]><![CDATA[> end]]></system-out>
            \t</testcase>
            \t<testcase classname="&lt;unknown&gt;" name="t/x.sh" file="t/x.sh" time="1.331">
            \t\t<properties>
            \t\t\t<property name="kind" value="SIMPLE"/>
            \t\t</properties>
            \t\t<error type="TestInterruptedError" message="Test interrupted: Timeout reached"><![CDATA[Test interrupted: Timeout reached]]></error>
            \t\t<system-out><![CDATA[slow]]></system-out>
            \t</testcase>
            \t<testcase classname="&lt;unknown&gt;" name="t/y.sh" file="t/y.sh" time="0.000">
            \t\t<properties>
            \t\t\t<property name="kind" value="SIMPLE"/>
            \t\t</properties>
            \t\t<skipped message="nope"/>
            \t</testcase>
            \t<testcase classname="aarch64.&lt;unknown&gt;" name="t/z.sh" file="t/z.sh" time="0.001">
            \t\t<properties>
            \t\t\t<property name="kind" value="SIMPLE"/>
            \t\t\t<property name="arch" value="aarch64"/>
            \t\t</properties>
            \t\t<error type="TestError" message="e"><![CDATA[e]]></error>
            \t\t<system-out><![CDATA[]]></system-out>
            \t</testcase>
            </testsuite>

            """)
    }

    @Test func systemOutIsCutAt100000Characters() {
        let xml = ResultsXMLRenderer.render(Self.job, logs: [2: String(repeating: "x", count: 100_050)])
        #expect(xml.contains("<![CDATA[" + String(repeating: "x", count: 100_000) + "]]></system-out>"))
    }

    @Test func propertiesCarryHostArchAndQEMU() {
        var t = TestResult(uid: 1, id: "1-f.py:C.test", name: "dir/f.py:C.test", kind: .instrumented, status: .pass,
                           host: "h\"1", arch: "ppc64", qemuBin: "/usr/bin/qemu-system-ppc64",
                           attempts: [.init(host: "h\"1", status: .pass, failReason: nil, time: 1)])
        t.qemuVersion = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
        let job = JobSummary(jobID: "j", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 1, tests: [t],
                             hosts: [JobHost(name: "h\"1", arch: "ppc64", slots: 4)])
        let xml = ResultsXMLRenderer.render(job)
        #expect(xml.contains("\t<property name=\"host\" value=\"h&quot;1 ppc64 4 slots\"/>"))
        #expect(xml.contains("classname=\"ppc64.C\" name=\"dir/f.py:C.test\" file=\"dir/f.py\" time=\"0.000\">"))
        for p in ["<property name=\"host\" value=\"h&quot;1\"/>", "<property name=\"arch\" value=\"ppc64\"/>",
                  "<property name=\"qemu_bin\" value=\"/usr/bin/qemu-system-ppc64\"/>",
                  "<property name=\"qemu_version\" value=\"7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\"/>",
                  "<property name=\"attempts\" value=\"1\"/>"] {
            #expect(xml.contains("\t\t\t" + p + "\n"), "\(p)")
        }
    }

    /// A test that passed after its host was lost is flaky; one that failed after a retry has reruns.
    @Test func retriedTestsAreFlakyOrRerunAsSurefireWritesThem() {
        let lost = TestResult.Attempt(host: "h1", status: .error, failReason: "host h1 lost: <eof>", time: 2.5)
        let failed = TestResult.Attempt(host: "h1", status: .fail, failReason: "boom", time: 1)
        let flaky = TestResult(uid: 1, id: "1-f.py:C.a", name: "f.py:C.a", kind: .instrumented, status: .pass,
                               host: "h2", attempts: [lost, .init(host: "h2", status: .pass, failReason: nil, time: 1)])
        let rerun = TestResult(uid: 2, id: "2-f.py:C.b", name: "f.py:C.b", kind: .instrumented, status: .fail,
                               failReason: "again", host: "h2", attempts: [failed, lost, .init(host: "h2", status: .fail, failReason: "again", time: 1)])
        let once = TestResult(uid: 3, id: "3-f.py:C.c", name: "f.py:C.c", kind: .instrumented, status: .fail, failReason: "x",
                              host: "h2", attempts: [.init(host: "h2", status: .fail, failReason: "x", time: 1)])
        let job = JobSummary(jobID: "j", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 1, tests: [flaky, rerun, once])
        let xml = ResultsXMLRenderer.render(job)
        #expect(xml.contains("""
            \t\t<flakyError type="TestError" message="attempt 1 on h1: ERROR: host h1 lost: &lt;eof&gt;" time="2.500"><stackTrace><![CDATA[host h1 lost: <eof>]]></stackTrace></flakyError>
            \t</testcase>
            """))
        #expect(xml.contains("""
            <failure type="TestFail" message="again"><![CDATA[again]]></failure>
            \t\t<rerunFailure type="TestFail" message="attempt 1 on h1: FAIL: boom" time="1.000"><stackTrace><![CDATA[boom]]></stackTrace></rerunFailure>
            \t\t<rerunError type="TestError" message="attempt 2 on h1: ERROR: host h1 lost: &lt;eof&gt;" time="2.500">
            """))
        #expect(!xml.contains("<failure type=\"TestFail\" message=\"x\"><![CDATA[x]]></failure>\n\t\t<rerun"))
        #expect(xml.components(separatedBy: "<rerun").count == 3)
        #expect(xml.components(separatedBy: "<flaky").count == 2)
    }

    @Test func sameTestOnTwoArchesGetsDistinctClassnames() {
        let a = TestResult(uid: 1, id: "1-a", name: "f.py:C.test", kind: .instrumented, status: .pass, arch: "x86_64")
        var b = a
        b.arch = "aarch64"
        #expect(ResultsXMLRenderer.classname(a) == "x86_64.C")
        #expect(ResultsXMLRenderer.classname(b) == "aarch64.C")
        var c = a
        c.uid = 2
        let job = JobSummary(jobID: "j", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 1, tests: [a, b, c])
        let cases = ResultsXMLRenderer.render(job).split(separator: "\n").filter { $0.contains("<testcase ") }
            .map { $0.components(separatedBy: " time=")[0] }
        // Two arches: two cases; the same arch twice (e.g. a rerun listed twice) is the same case.
        #expect(Set(cases).count == 2 && cases.count == 3)
    }
}

@Suite struct ResultsTAPRendererTests {
    @Test func rendersOkNotOkAndSkips() {
        var tests = ResultsXMLRendererTests.job.tests
        tests.append(TestResult(uid: 6, id: "6-w", name: "w", kind: .simple, status: .warn))
        tests.append(TestResult(uid: 7, id: "7-s", name: "s", kind: .simple, status: .skip, failReason: "Interrupting job\n(failfast).", ran: false))
        let job = JobSummary(jobID: "j", jobDir: "/j", jobName: "n", start: "s", timestamp: "t", jobTime: 0, tests: tests)
        #expect(ResultsTAPRenderer.render(job) == """
            1..7
            ok 1 t/inst.py:Inst.test_pass
            not ok 2 t/inst.py:Inst.test_fail
            not ok 3 t/x.sh
            ok 4 t/y.sh  # SKIP nope
            not ok 5 t/z.sh
            ok 6 w  # Warnings were printed into warn log
            ok 7 s  # SKIP Interrupting job (failfast).

            """)
    }

    /// printf's `%.*f`, the reference `fixedExact` must match digit for digit.
    static func printf(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    @Test func fixedMatchesPrintfOnTiesEdgesAndRandomDurations() {
        // Exact binary ties (round half to even), near-ties that are not ties, zero, tiny, large.
        var values: [Double] = [0, 0.5, 1.5, 2.5, 0.125, 0.375, 0.625, 0.875, 1.005, 2.675, 0.045, 1.115, 0.0005,
                                1e-5, 1e-90, 9.995, 99.995, 0.25, 0.75, 123_456.785, 1_099_511.62, 3.0, 30.0]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            values.append(Double.random(in: 0..<1, using: &rng))
            values.append(Double.random(in: 0..<100_000, using: &rng))
            // Multiples of 2^-k: exact decimals, many of them ties.
            values.append(Double(Int.random(in: 0..<1_000_000, using: &rng)) / Double(1 << Int.random(in: 0...12, using: &rng)))
        }
        var mismatches: [String] = []
        for v in values {
            for digits in 0...6 {
                guard let fast = fixedExact(v, digits) else { continue }
                let reference = Self.printf(v, digits)
                if fast != reference { mismatches.append("\(v) %.\(digits)f: \(fast) != \(reference)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // Outside its range it declines and `fixed` falls back to printf.
        #expect(fixedExact(-0.0, 2) == nil && fixed(-0.0, 2) == "-0.00")
        #expect(fixedExact(-1.5, 2) == nil && fixed(-1.5, 2) == "-1.50")
        #expect(fixedExact(1e13, 3) == nil && fixed(1e13, 3) == "10000000000000.000")
        #expect(fixed(2.675, 2) == "2.67" && fixed(0.125, 2) == "0.12" && fixed(0.375, 2) == "0.38" && fixed(2.5, 0) == "2")
    }
}
