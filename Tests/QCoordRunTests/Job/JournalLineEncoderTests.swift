import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

@Suite struct JournalLineEncoderTests {
    /// Every field set: a field added to TestResult but not to the hand-written encoder makes
    /// `sameObjectAsFoundationsEncoder` fail on this sample (`everyFieldIsSet` keeps it complete).
    static let full: TestResult = {
        var r = TestResult(uid: 7, id: "7-t.py:T.test;arch=ppc", name: "t.py:T.test;arch=ppc", kind: .instrumented,
                           status: .pass, failReason: "passed on a retry", tags: Tags(["arch": ["ppc"]]), timeElapsed: 1.5,
                           timeStart: 10, timeEnd: 11.5, actualTimeStart: 1_763_790_000, actualTimeEnd: 1_763_790_001.5,
                           logdir: "/r/7", logfile: "/r/7/debug.log", whiteboard: "wb", host: "h3", arch: "ppc",
                           qemuBin: "/usr/bin/qemu-system-ppc",
                           attempts: [.init(host: "h1", status: .fail, failReason: "boom", time: 1),
                                      .init(host: "h3", status: .pass, failReason: nil, time: 1.5)],
                           origin: "/jobs/shard-1")
        r.qemuVersion = "7.2.22"
        r.flaky = true
        return r
    }()

    static let samples: [TestResult] = [
        TestResult(uid: 1, id: "1-tests/a.py:A.test", name: "tests/a.py:A.test", kind: .instrumented, status: .pass,
                   tags: Tags(["arch": ["x86_64", "i386"], "boot": [], "port": ["5900"]]), timeElapsed: 0.25,
                   timeStart: 1234.5, timeEnd: 1234.75, actualTimeStart: 1_763_790_000.123456, actualTimeEnd: 1_763_790_000.373456,
                   logdir: "/r/test-results/1-tests_a.py_A.test", logfile: "/r/test-results/1-tests_a.py_A.test/debug.log",
                   whiteboard: "", host: "h1", arch: "x86_64", qemuBin: "/usr/bin/qemu-system-x86_64",
                   attempts: [.init(host: "h2", status: .error, failReason: "host h2 lost: eof", time: 1.0),
                              .init(host: "h1", status: .pass, failReason: nil, time: 0.25)]),
        // Everything optional absent, a test that never ran, odd numbers.
        TestResult(uid: 12, id: "012-t.sh", name: "t.sh", kind: .simple, status: .skip, failReason: nil,
                   timeElapsed: 0, timeStart: 1e-05, timeEnd: 3, ran: false),
        // Strings JSON must escape: quotes, backslashes, control characters; and non-ASCII, slashes kept.
        TestResult(uid: 3, id: "3-x", name: "dir/x \"q\" \\ é ✓", kind: .tap, status: .fail,
                   failReason: "line1\nline2\r\ttab \u{01}\u{1F}\u{08}\u{0C} </script>", whiteboard: "{\"k\": [1]}",
                   origin: "/jobs/job-2026"),
        full,
    ]

    @Test func everyFieldIsSet() {
        for child in Mirror(reflecting: Self.full).children {
            let value = Mirror(reflecting: child.value)
            if value.displayStyle == .optional {
                #expect(!value.children.isEmpty, "set \(child.label ?? "?") in JournalLineEncoderTests.full")
            }
        }
    }

    static func foundationLine(_ r: TestResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(r)
    }

    @Test(arguments: samples) func decodesBackToTheSameResult(_ r: TestResult) throws {
        var withVersion = r
        withVersion.qemuVersion = r.qemuBin == nil ? nil : "7.2.0"
        let line = try JournalLineEncoder.encode(withVersion)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(TestResult.self, from: Data(line)) == withVersion)
        #expect(!line.contains(0x0A))
    }

    /// The same JSON object as Foundation's encoder wrote before (numbers compared by value).
    @Test(arguments: samples) func sameObjectAsFoundationsEncoder(_ r: TestResult) throws {
        let ours = try JSONSerialization.jsonObject(with: Data(try JournalLineEncoder.encode(r))) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: try Self.foundationLine(r)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == theirs)
    }

    /// Keys sorted and slashes unescaped, as the journal always had them.
    @Test func keysSortedSlashesPlain() throws {
        let text = String(decoding: try JournalLineEncoder.encode(Self.samples[0]), as: UTF8.self)
        #expect(text.hasPrefix("{\"actual_time_end\":1763790000.373456,\"actual_time_start\":1763790000.123456,\"arch\":\"x86_64\",\"attempts\":[{\"fail_reason\":\"host h2 lost: eof\",\"host\":\"h2\""))
        #expect(text.contains("\"logdir\":\"/r/test-results/1-tests_a.py_A.test\""))
        #expect(text.contains("\"tags\":{\"arch\":[\"i386\",\"x86_64\"],\"boot\":null,\"port\":[\"5900\"]}"))
        #expect(text.hasSuffix("\"uid\":1,\"whiteboard\":\"\"}"))
    }

    @Test func rejectsNonFiniteTimes() {
        var r = Self.samples[1]
        r.timeElapsed = .nan
        #expect(throws: JournalLineEncoder.NonFiniteNumber.self) { try JournalLineEncoder.encode(r) }
    }
}
