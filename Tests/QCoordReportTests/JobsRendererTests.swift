import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct JobsRendererTests {
    static let record = JobArchive.Record(
        dir: "/r/job-x", jobID: String(repeating: "a", count: 40), start: "2026-11-22 01:45:03.430670", debuglog: "/r/job-x/job.log",
        counts: ["pass": 1, "errors": 0, "failures": 1, "skip": 0, "warn": 0, "interrupt": 0, "cancel": 1], total: 3,
        tests: [
            .init(id: "1-a.sh", status: "PASS", timeElapsed: 0.25, end: 10, host: "local", arch: "x86_64", failReason: nil),
            .init(id: "2-long/name.sh", status: "FAIL", timeElapsed: 1, end: 11, host: "h2", arch: nil, failReason: "x"),
            .init(id: "3-c.sh", status: "CANCEL", timeElapsed: nil, end: nil, host: nil, arch: nil, failReason: nil),
        ])

    @Test func listIsAvocadosFormat() {
        #expect(JobsRenderer.list([Self.record])
                == String(repeating: "a", count: 40) + " 2026-11-22 01:45:03.430670   3 (1/0/0/1)\n")
    }

    @Test func showHasEveryTestAndTheResultsLine() {
        #expect(JobsRenderer.show(Self.record, endTime: { "T\(Int($0))" }) == """
            JOB ID      : \(String(repeating: "a", count: 40))
            JOB DIR     : /r/job-x
            JOB LOG     : /r/job-x/job.log

            Test ID        End Time  Run Time  Status Host  Arch
            1-a.sh         T10       0.250000  PASS   local x86_64
            2-long/name.sh T11       1.000000  FAIL   h2    -
            3-c.sh         <unknown> <unknown> CANCEL -     -
            RESULTS     : PASS 1 | ERROR 0 | FAIL 1 | SKIP 0 | WARN 0 | INTERRUPT 0 | CANCEL 1

            """)
    }
}
