import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport
import QCoordRun

extension ColorMode: ExpressibleByArgument {}

extension QCoord.Run {
    /// The console and event sinks of a job: on a terminal the live status line (Avocado's
    /// plain lines otherwise, as CI logs want them), plus the `--json-events` stream.
    /// - Parameter history: expected seconds by test name (the timing history) for the ETA.
    func eventSinks(console: Console, tests: [TestCase], history: [String: Double], environment: [String: String],
                    cwd: String) throws -> (Console, JobEventSink, Task<Void, Never>?) {
        var sinks: [JobEventSink] = []
        if let target = jsonEvents {
            do {
                let writer = try JSONEventsWriter(target: target == "-" ? "-" : Self.absolute(target, cwd: cwd))
                sinks.append(writer.sink)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        guard Self.isInteractive(environment: environment), !stdoutBusy else {
            return (console, .all(sinks), nil)
        }
        let progress = LiveProgress(names: tests.map(\.name), history: history, write: { Self.write(1, $0) }, width: { Self.terminalColumns() },
                                    style: console.style, errStyle: console.errStyle)
        sinks.append(progress.sink)
        let ticker = Task { await progress.tick() }
        return (progress.console(err: console.err), .all(sinks), ticker)
    }

    /// stdout is a terminal that can redraw a line (not `TERM=dumb`, not `QCOORD_PLAIN=1`).
    static func isInteractive(environment: [String: String]) -> Bool {
        isatty(1) != 0 && environment["TERM"] != "dumb" && environment["QCOORD_PLAIN"] == nil
    }

    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
