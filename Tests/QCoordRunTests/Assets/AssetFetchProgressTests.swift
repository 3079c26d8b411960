import Foundation
import Synchronization
import Testing
import QCoordCore
@testable import QCoordRun

/// AssetFetcher's progress: one updating line on a terminal, one line per asset without one.
struct AssetFetchProgressTests {
    final class Recorder: Sendable {
        let out = Mutex<[String]>([])
        let err = Mutex<[String]>([])
        let status = Mutex<[String?]>([])
        init() {}
        func console(terminal: Bool) -> Console {
            let status: (@Sendable (String?) -> Void)?
            if terminal {
                status = { @Sendable [self] text in self.status.withLock { $0.append(text) } }
            } else {
                status = nil
            }
            return Console(out: { @Sendable [self] text in self.out.withLock { $0.append(text) } },
                           err: { @Sendable [self] text in self.err.withLock { $0.append(text) } }, status: status)
        }
    }

    let a = AssetFetchItem(algorithm: .sha256, hash: String(repeating: "a", count: 64), urls: ["https://h/a"], size: 2048)
    let b = AssetFetchItem(algorithm: .sha1, hash: String(repeating: "b", count: 40), urls: ["https://h/b"])

    @Test func terminalShowsOneUpdatingLineAndFailuresAbove() {
        let r = Recorder()
        let progress = AssetFetchProgress(console: r.console(terminal: true), items: [a, b])
        progress.update(a.contentKey, bytes: 1024, of: nil)
        #expect(r.status.withLock { $0.last } == "assets 0/2 · 1.0 KiB", "b's size is unknown: no total yet")
        progress.finished(AssetFetchOutcome(state: .failed, contentKey: b.contentKey, url: "https://h/b", error: "https://h/b: HTTP 404 Not Found"))
        #expect(r.err.withLock { $0 } == ["FAILED https://h/b: HTTP 404 Not Found\n"])
        #expect(r.status.withLock { $0.suffix(2).map { $0 ?? "<cleared>" } } == ["<cleared>", "assets 1/2 · 1.0 KiB/2.0 KiB"])
        progress.finished(AssetFetchOutcome(state: .fetched, contentKey: a.contentKey, url: "https://h/a", bytes: 2048, seconds: 1))
        progress.finish()
        #expect(r.status.withLock { $0.last } == .some(nil), "cleared at the end")
        #expect(r.out.withLock { $0 }.isEmpty, "no per-asset lines on a terminal")
    }

    @Test func withoutTerminalOneLinePerAsset() {
        let r = Recorder()
        let progress = AssetFetchProgress(console: r.console(terminal: false), items: [a, b])
        progress.update(a.contentKey, bytes: 1024, of: 2048)
        progress.finished(AssetFetchOutcome(state: .cached, contentKey: b.contentKey, url: "https://h/b", bytes: 10))
        progress.finished(AssetFetchOutcome(state: .fetched, contentKey: a.contentKey, url: "https://h/a", bytes: 2048, seconds: 0.5, resumed: true))
        progress.finish()
        #expect(r.out.withLock { $0 } == ["cached https://h/b 10 B\n", "fetched https://h/a 2.0 KiB in 0.5 s (resumed)\n"])
        #expect(r.status.withLock { $0 }.isEmpty && r.err.withLock { $0 }.isEmpty)
    }
}
