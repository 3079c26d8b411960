import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

@Suite struct JobRecordTests {
    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-record-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/jobdata", withIntermediateDirectories: true)
        return dir
    }

    @Test func roundTripsThroughReplayJSON() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tests = [TestCase(kind: .instrumented, name: "t.py:T.test;arch=aarch64", uri: "t.py", matrixArch: "aarch64",
                              params: ["machine": "virt"])]
        let record = JobRecord(arguments: ["--arch", "aarch64", "t.py"], workdir: "/w", references: ["t.py"],
                               env: ["SPEED": "slow"], tests: tests)
        try record.encoded().write(to: URL(fileURLWithPath: dir + "/" + JobRecord.file))
        #expect(try JobRecord.load(jobDir: dir) == record)
    }

    @Test func aJobWithoutARecordSaysSo() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: RunError.noJobRecord(path: dir + "/" + JobRecord.file)) { try JobRecord.load(jobDir: dir) }
    }

    @Test func aTornJournalIsCutBackToItsLastWholeLine() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = try JobRecorder(path: JobJournal.path(jobDir: dir))
        try recorder.record(TestResult(uid: 1, id: "1-a", name: "a", kind: .simple, status: .pass))
        let whole = try Data(contentsOf: URL(fileURLWithPath: JobJournal.path(jobDir: dir)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: JobJournal.path(jobDir: dir)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"uid\": 2, \"na".utf8))
        try handle.close()

        let (journal, notes) = try JobJournal.read(jobDir: dir, repair: true)
        #expect(journal.results.map(\.uid) == [1])
        #expect(notes.count == 1 && notes[0].contains("skipped and cut off"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: JobJournal.path(jobDir: dir))) == whole)
        // Appending after the repair gives whole lines again.
        try recorder.record(TestResult(uid: 2, id: "2-b", name: "b", kind: .simple, status: .pass))
        #expect(try JobRecorder.read(path: JobJournal.path(jobDir: dir)).map(\.uid) == [1, 2])
    }
}
