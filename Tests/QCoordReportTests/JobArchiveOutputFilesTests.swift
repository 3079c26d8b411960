import Foundation
import Testing
@testable import QCoordReport

@Suite struct JobArchiveOutputFilesTests {
    @Test func copiesEachTestsDataDirectoryAndSkipsTestsWithoutOutput() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "qcoord-output-files-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        let job = root + "/job"
        try fm.createDirectory(atPath: job + "/test-results/1-a.sh/data/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: job + "/test-results/2-b.sh/data", withIntermediateDirectories: true)
        try "console".write(toFile: job + "/test-results/1-a.sh/data/console.log", atomically: true, encoding: .utf8)
        try "deep".write(toFile: job + "/test-results/1-a.sh/data/sub/x.txt", atomically: true, encoding: .utf8)
        try "log".write(toFile: job + "/test-results/1-a.sh/debug.log", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: job + "/test-results/1-a.sh/data/link", withDestinationPath: "/etc/passwd")
        let out = root + "/out"
        let copied = try JobArchive.copyOutputFiles(jobDir: job, to: out)
        #expect(copied.tests == 1 && copied.files == 2)
        #expect(try String(contentsOfFile: out + "/1-a.sh/console.log", encoding: .utf8) == "console")
        #expect(try String(contentsOfFile: out + "/1-a.sh/sub/x.txt", encoding: .utf8) == "deep")
        #expect(!fm.fileExists(atPath: out + "/1-a.sh/debug.log"), "only the output files")
        #expect(!fm.fileExists(atPath: out + "/1-a.sh/link"), "no symlink followed")
        #expect(!fm.fileExists(atPath: out + "/2-b.sh"))
        // Again: the copies are replaced, not an error.
        #expect(try JobArchive.copyOutputFiles(jobDir: job, to: out).files == 2)
    }
}
