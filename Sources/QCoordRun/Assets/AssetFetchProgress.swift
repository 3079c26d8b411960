import Foundation
import Synchronization
import QCoordCore

/// The progress of `AssetFetcher` (docs/assets-fetch.md). On a terminal (`Console.status`): one
/// updating line, bytes, rate, ETA and assets done/total, redrawn at most ten times a second;
/// a failure is printed above it as it happens. Without a terminal (CI): one line per asset
/// when it ends (`AssetFetchReport.line`).
final class AssetFetchProgress: Sendable {
    private struct State {
        var total = 0
        var done = 0
        /// Per item (by content key): bytes received, bytes expected when known.
        var received: [String: Int] = [:]
        var expected: [String: Int] = [:]
        /// Bytes of finished items.
        var finishedBytes = 0
        var rate = TransferRate()
        var lastDraw: ContinuousClock.Instant?
        var shown = false
    }

    private let state: Mutex<State>
    private let console: Console
    private let started = ContinuousClock.now

    init(console: Console, items: [AssetFetchItem]) {
        self.console = console
        var s = State()
        s.total = items.count
        for item in items { if let size = item.size { s.expected[item.contentKey] = size } }
        state = Mutex(s)
    }

    /// `item` has `bytes` on disk so far; `of` is its size when known (Content-Length).
    func update(_ key: String, bytes: Int, of size: Int?) {
        guard let status = console.status else { return }
        let line: String? = state.withLock { s in
            s.received[key] = bytes
            if let size { s.expected[key] = size }
            let now = ContinuousClock.now
            if let last = s.lastDraw, now - last < .milliseconds(100) { return nil }
            s.lastDraw = now
            s.shown = true
            return render(&s, now: now)
        }
        if let line { status(line) }
    }

    /// `outcome` ended its item.
    func finished(_ outcome: AssetFetchOutcome) {
        let line: String? = state.withLock { s in
            s.done += 1
            s.received[outcome.contentKey] = nil
            s.expected[outcome.contentKey] = nil
            if outcome.state != .failed { s.finishedBytes += outcome.bytes }
            guard console.status != nil else { return nil }
            s.shown = true
            return render(&s, now: .now)
        }
        guard let status = console.status else {
            console.out(AssetFetchReport.line(outcome) + "\n")
            return
        }
        if outcome.state == .failed {
            status(nil)
            console.err(AssetFetchReport.line(outcome) + "\n")
        }
        if let line { status(line) }
    }

    /// Clears the line.
    func finish() {
        guard let status = console.status, state.withLock({ $0.shown }) else { return }
        status(nil)
    }

    private func render(_ s: inout State, now: ContinuousClock.Instant) -> String {
        let inFlight = s.received.values.reduce(0, +)
        let bytes = s.finishedBytes + inFlight
        let elapsed = now - started
        s.rate.add(time: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, bytes: bytes)
        // A total only when every unfinished item's size is known.
        let unfinished = s.total - s.done
        let ofBytes: Int? = s.expected.count >= unfinished ? s.finishedBytes + s.expected.values.reduce(0, +) : nil
        return AssetFetchReport.progress(done: s.done, total: s.total, bytes: bytes, ofBytes: ofBytes, rate: s.rate.bytesPerSecond)
    }
}
