import Foundation
import Synchronization
import QCoordCore

/// Tree sync's progress on a terminal: one updating line (`Console.status`) with the files
/// and bytes sent to each host so far, redrawn at most ten times a second. Without a
/// terminal it shows nothing (JobHosts prints one summary line at the end).
final class SyncProgress: Sendable {
    private struct State {
        var hosts: [(name: String, files: Int, ofFiles: Int, bytes: Int, ofBytes: Int)] = []
        var lastDraw: ContinuousClock.Instant?
        var shown = false
    }

    private let state = Mutex(State())
    private let status: (@Sendable (String?) -> Void)?
    private let label: String

    /// `label` starts the line: "tree sync", "asset push".
    init(console: Console, label: String = "tree sync") {
        status = console.status
        self.label = label
    }

    /// `host` has been sent `sent` of `total`.
    func update(_ host: String, sent: (files: Int, bytes: Int), of total: (files: Int, bytes: Int)) {
        guard let status else { return }
        let line: String? = state.withLock { s in
            if let i = s.hosts.firstIndex(where: { $0.name == host }) {
                s.hosts[i] = (host, sent.files, total.files, sent.bytes, total.bytes)
            } else {
                s.hosts.append((host, sent.files, total.files, sent.bytes, total.bytes))
                s.hosts.sort { $0.name < $1.name }
            }
            let now = ContinuousClock.now
            let done = sent.files == total.files
            if let last = s.lastDraw, now - last < .milliseconds(100), !done { return nil }
            s.lastDraw = now
            s.shown = true
            return Self.render(s.hosts, label: label)
        }
        if let line { status(line) }
    }

    /// Clears the line.
    func finish() {
        guard let status, state.withLock({ $0.shown }) else { return }
        status(nil)
    }

    static func render(_ hosts: [(name: String, files: Int, ofFiles: Int, bytes: Int, ofBytes: Int)],
                       label: String = "tree sync") -> String {
        "\(label): " + hosts.map { h in
            "\(h.name) \(h.files)/\(h.ofFiles) files \(ByteSize.format(h.bytes))/\(ByteSize.format(h.ofBytes))"
        }.joined(separator: " · ")
    }
}
