import Synchronization
import Testing
import QCoordCore
import QCoordReport
@testable import QCoordRun

@Suite struct LiveProgressTests {
    final class Screen: Sendable {
        let bytes = Mutex("")
        func write(_ s: String) { bytes.withLock { $0 += s } }
        var text: String { bytes.withLock { $0 } }
    }

    @Test func resultLinesScrollAboveARedrawnStatusLineThatGoesAwayAtTheEnd() {
        let screen = Screen(), errors = Screen()
        let progress = LiveProgress(names: ["a.sh", "b.sh"], write: { screen.write($0) }, width: { 200 }, now: { 1000 })
        let console = progress.console(err: { errors.write($0) })
        #expect(!console.showsStarted)
        let sink = progress.sink
        sink.emit(.jobStarted(jobID: "j", jobDir: "/d", total: 2, time: 1000))
        sink.emit(.hostUp(host: "local", arch: "x86_64", slots: 1, time: 1000))
        sink.emit(.testStarted(uid: 1, id: "1-a.sh", name: "a.sh", host: "local", arch: nil, qemuBin: nil, time: 1000))
        #expect(screen.text.hasSuffix("\r\u{1B}[K0/2 done · 1 running on local · 0 failed · ETA unknown · 0s elapsed · local: a.sh"))
        console.out(" (1/2) a.sh:  PASS (0.01 s)\n")
        // The line is erased, the result printed, the line drawn again below it.
        #expect(screen.text.hasSuffix("local: a.sh\r\u{1B}[K (1/2) a.sh:  PASS (0.01 s)\n\r\u{1B}[K0/2 done · 1 running on local · 0 failed · ETA unknown · 0s elapsed · local: a.sh"))
        console.err("warning\n")
        #expect(errors.text == "warning\n")
        sink.emit(.jobFinished(counts: StatusCounts([.pass, .pass]), jobTime: 1, interruption: nil, time: 1001))
        let before = screen.text
        #expect(before.hasSuffix("\r\u{1B}[K"))
        console.out("RESULTS    : PASS 2\n")
        #expect(screen.text == before + "RESULTS    : PASS 2\n")
    }

    /// The console it hands out carries the colour decided for stdout and stderr; the line paints its failures.
    @Test func colourReachesTheConsoleAndTheLine() {
        let screen = Screen()
        let on = TerminalStyle(enabled: true)
        let progress = LiveProgress(names: ["a.sh"], write: { screen.write($0) }, width: { 200 }, now: { 1000 },
                                    style: on, errStyle: .plain)
        let console = progress.console(err: { _ in })
        #expect(console.style == on && console.errStyle == .plain)
        progress.sink.emit(.testFinished(TestResult(uid: 1, id: "1-a.sh", name: "a.sh", kind: .simple, status: .fail, host: "local"), time: 1000))
        #expect(screen.text.hasSuffix("1/1 done · 0 running · \u{1B}[1;31m1 failed\u{1B}[0m · ETA 0s"), "\(screen.text.debugDescription)")
    }
}
