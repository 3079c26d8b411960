import Foundation
import Synchronization
import Testing
@testable import QCoordRun

@Suite struct JobLogTests {
    /// `--show-job-log`: every line written to job.log is also echoed, exactly as written.
    @Test func echoGetsEveryLineAsWritten() throws {
        let path = NSTemporaryDirectory() + "qcoord-joblog-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let echoed = Mutex("")
        let log = JobLog(path: path, echo: { text in echoed.withLock { $0 += text } })
        log.info("one")
        log.error("two\nthree")
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(echoed.withLock { $0 } == file)
        let lines = file.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix(" qcoord INFO | one") && lines[1].hasSuffix(" qcoord ERROR| two") && lines[2].hasSuffix(" qcoord ERROR| three"),
                "\(file)")
    }

    /// Avocado's job.log line: `2026-12-06 23:30:01,042 qcoord INFO | text`, the level in 5 columns.
    @Test func linesHaveAvocadosTimestampAndLevelColumns() throws {
        let path = NSTemporaryDirectory() + "qcoord-joblog-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = JobLog(path: path)
        for i in 0..<3 { log.info("line \(i)") }
        log.warning("careful")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let pattern = try NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} qcoord (INFO |WARNI)\| (line \d|careful)$"#)
        for line in lines {
            #expect(pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil, "\(line)")
        }
        #expect(lines[3].contains(" qcoord WARNI| careful"))
    }
}
