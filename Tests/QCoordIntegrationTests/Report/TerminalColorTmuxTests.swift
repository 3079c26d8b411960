import Foundation
import Testing

/// `qcoord run` on a real terminal: a tmux pane, read back with `tmux capture-pane -p -e`
/// (which writes each cell's colour as escape codes). Colour with `--color auto` on a TTY, none
/// with NO_COLOR; the live line says what its numbers are while the job runs.
@Suite(.serialized) struct TerminalColorTmuxTests {
    static let tmux = "/usr/bin/tmux"

    /// A private tmux server (its own socket) running `command` in a 200×50 pane.
    final class Pane {
        let socket = "qcoord-test-\(UUID().uuidString.prefix(8))"

        init(_ command: String) throws {
            // Through python3's subprocess: started by Foundation's Process directly, new-session
            // returns only once the pane's command has ended, and the server is gone by then (the
            // daemonized server inherits what the test process hands its children — its blocked
            // signals, its descriptors; python's subprocess closes the descriptors).
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = ["-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))",
                           TerminalColorTmuxTests.tmux, "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", command]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            try #require(p.terminationStatus == 0, "tmux new-session failed")
        }

        /// The pane's text with its colours as SGR escape codes.
        func capture() throws -> String {
            let r = try Shell.run(TerminalColorTmuxTests.tmux, ["-L", socket, "capture-pane", "-p", "-e", "-S", "-50"])
            return r.output
        }

        /// Captures every 0.1 s until `done` holds (at most `seconds`); every capture is kept.
        func wait(seconds: Double, until done: (String) -> Bool) throws -> [String] {
            var captures: [String] = []
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                let text = try capture()
                captures.append(text)
                if done(text) { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return captures
        }

        deinit { _ = try? Shell.run(TerminalColorTmuxTests.tmux, ["-L", socket, "kill-server"]) }
    }

    /// Two tests in a scratch directory: one FAILs at once, one sleeps (so the live line can be read).
    static func scratchTests() throws -> String {
        let dir = NSTemporaryDirectory() + "qcoord-tmux-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, body) in [("slow.sh", "sleep 3\n"), ("fail.sh", "echo boom >&2\nexit 1\n")] {
            let path = dir + "/" + name
            try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return dir
    }

    static func command(dir: String, environment: String, extra: String = "") -> String {
        let python = RunHarness.venv("113") + "/bin/python"
        return "cd '\(dir)' && env -u NO_COLOR -u QCOORD_PLAIN \(environment) '\(RunHarness.qcoord)' run --job-results-dir '\(dir)/results' "
            + "--python '\(python)' --max-parallel-tasks 2 \(extra) slow.sh fail.sh; echo QCOORD-EXIT=$?; sleep 60"
    }

    @Test func coloursOnATerminalAndTheLiveLineInWords() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.tmux), "tmux is missing: scripts/setup.sh installs it")
        let dir = try Self.scratchTests()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pane = try Pane(Self.command(dir: dir, environment: "TERM=xterm-256color"))
        let captures = try pane.wait(seconds: 60) { $0.contains("QCOORD-EXIT=") }
        let last = try #require(captures.last)
        #expect(last.contains("QCOORD-EXIT=1"), "\(last)")
        // While the slow test ran, the live line said what its numbers count.
        let live = captures.first { $0.contains(" done · ") && $0.contains(" running") && $0.contains(" failed") && $0.contains("ETA ") }
        #expect(live != nil, "no live line in \(captures.count) captures; last: \(last)")
        #expect(live.map { !$0.contains(" +1") } ?? false)
        // The result lines and RESULTS carry colour (tmux writes it back as SGR codes).
        let failLine = try #require(last.split(separator: "\n").first { $0.contains("fail.sh:") && $0.contains("FAIL") })
        #expect(failLine.contains("\u{1B}["), "\(failLine.debugDescription)")
        let results = try #require(last.split(separator: "\n").first { $0.contains("RESULTS") })
        #expect(results.contains("\u{1B}["), "\(results.debugDescription)")
    }

    @Test(arguments: [("NO_COLOR=1 TERM=xterm-256color", ""), ("TERM=xterm-256color", "--color never")])
    func noColourWithNoColorOrNever(environment: String, flag: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.tmux), "tmux is missing: scripts/setup.sh installs it")
        let dir = try Self.scratchTests()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pane = try Pane(Self.command(dir: dir, environment: environment, extra: flag))
        let captures = try pane.wait(seconds: 60) { $0.contains("QCOORD-EXIT=") }
        let last = try #require(captures.last)
        #expect(last.contains("QCOORD-EXIT=1"), "\(last)")
        #expect(last.contains("fail.sh:  FAIL: Exited with status 1") || last.contains("fail.sh:  FAIL"), "\(last)")
        #expect(last.contains("RESULTS    : PASS 1 | ERROR 0 | FAIL 1 |"), "\(last)")
        #expect(!captures.contains { $0.contains("\u{1B}[") }, "\(last.debugDescription)")
        // The live line is still there, only plain.
        #expect(captures.contains { $0.contains(" done · ") && $0.contains(" failed") })
    }
}
