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
}
