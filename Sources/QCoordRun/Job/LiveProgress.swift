import Foundation
import Synchronization
import QCoordCore
import QCoordReport

/// The updating status line on a terminal: result lines scroll above it, the line itself is
/// redrawn in place (`\r` + erase line) on every event and once a second for the clocks.
public final class LiveProgress: Sendable {
    private struct State {
        var line: ProgressLine
        var shown = false
        var finished = false
        /// Shown instead of the tests' line while set (tree sync before the job's tests).
        var status: String?
    }

    private let state: Mutex<State>
    private let write: @Sendable (String) -> Void
    private let width: @Sendable () -> Int
    private let now: @Sendable () -> Double
    private let style: TerminalStyle
    private let errStyle: TerminalStyle

    /// - Parameters:
    ///   - write: raw terminal output (stdout).
    ///   - width: the terminal's columns, read at each redraw (the window may be resized).
    ///   - history: expected seconds by test name (the timing history), for the ETA.
    ///   - style, errStyle: colour of the terminal (stdout) and of stderr, for the console it hands out.
    public init(names: [String], history: [String: Double] = [:], write: @escaping @Sendable (String) -> Void,
                width: @escaping @Sendable () -> Int, now: @escaping @Sendable () -> Double = { JobClock.epoch() },
                style: TerminalStyle = .plain, errStyle: TerminalStyle = .plain) {
        state = Mutex(State(line: ProgressLine(names: names, history: history)))
        self.write = write
        self.width = width
        self.now = now
        self.style = style
        self.errStyle = errStyle
    }

    /// Takes the console's stdout: clears the status line, prints, redraws it. STARTED lines
    /// are left out (the status line shows what runs).
    public func console(err: @escaping @Sendable (String) -> Void) -> Console {
        var console = Console(out: { [self] text in printAbove(text) },
                err: { [self] text in
                    // stderr shares the terminal: clear the line first so it is not overwritten.
                    state.withLock { s in
                        if s.shown { write("\r\u{1B}[K"); s.shown = false }
                    }
                    err(text)
                    redraw()
                },
                showsStarted: false,
                status: { [self] text in
                    state.withLock { $0.status = text }
                    redraw()
                })
        console.style = style
        console.errStyle = errStyle
        return console
    }

    public var sink: JobEventSink {
        JobEventSink { [self] event in
            state.withLock { s in
                s.line.handle(event)
                if case .jobFinished = event { s.finished = true }
            }
            if case .jobFinished = event { clear() } else { redraw() }
        }
    }

    /// Redraws once a second until the job ends (ETA and elapsed time move without events).
    public func tick() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if state.withLock({ $0.finished }) { return }
            redraw()
        }
    }

    func printAbove(_ text: String) {
        state.withLock { s in
            write((s.shown ? "\r\u{1B}[K" : "") + text)
            s.shown = false
        }
        redraw()
    }

    func redraw() {
        let columns = width()
        let t = now()
        state.withLock { s in
            guard !s.finished else { return }
            let text = s.status.map { String($0.prefix(max(1, columns - 1))) } ?? s.line.render(now: t, width: columns, style: style)
            write("\r\u{1B}[K" + text)
            s.shown = true
        }
    }

    func clear() {
        state.withLock { s in
            if s.shown { write("\r\u{1B}[K") }
            s.shown = false
        }
    }
}
