import Foundation
import Testing
@testable import QCoordSSH

extension SSHLoopbackTests {
    @Test func stdinBiggerThanTheWindowDoesNotDeadlock() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        // cat echoes while we write: more than the window each way (libssh's is ~1-2 MiB).
        var state: UInt32 = 12345
        let input = (0..<(5 * 1024 * 1024 + 123)).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let result = try await session.exec("cat; echo done >&2", stdin: input, timeout: .seconds(60))
        #expect(result.exitStatus == 0)
        #expect(result.stdout.count == input.count)
        #expect(result.stdout == input)
        #expect(result.stderrText == "done\n")
    }

    @Test func longLivedChannelStreamsLinesBothWays() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let channel = try await session.openChannel(command: "while read line; do echo \"got $line\"; echo \"err $line\" >&2; done; exit 7")
        var lines = channel.stdout.makeAsyncIterator()
        var received = ""
        for n in 1...3 {
            try await channel.send(Array("msg\(n)\n".utf8))
            while !received.contains("got msg\(n)\n") {
                let chunk = try #require(await lines.next())
                received += String(decoding: chunk, as: UTF8.self)
            }
        }
        #expect(received == "got msg1\ngot msg2\ngot msg3\n")
        await channel.closeInput()
        #expect(try await channel.exitStatus() == 7)
        var errors = ""
        for await chunk in channel.stderr { errors += String(decoding: chunk, as: UTF8.self) }
        #expect(errors == "err msg1\nerr msg2\nerr msg3\n")
        #expect(await lines.next() == nil)
    }

    @Test func channelsRunConcurrentlyOnOneSession() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let start = ContinuousClock.now
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 0..<5 { group.addTask { try await session.exec("sleep 0.5; echo \(n)").stdoutText } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outputs.sorted() == ["0\n", "1\n", "2\n", "3\n", "4\n"])
        #expect(ContinuousClock.now - start < .seconds(2))  // not 5 × 0.5 s: truly concurrent
    }

    @Test func commandTimeoutEndsTheChannel() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let error = try await #require(throws: SSHError.self) { try await session.exec("sleep 30", timeout: .milliseconds(300)) }
        guard case .timeout = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(try await session.exec("echo still-usable").stdoutText == "still-usable\n")
    }

    @Test func lostConnectionFailsTheChannel() async throws {
        let sshd = try SSHDFixture()
        let session = try await SSHSession.connect(sshd.options())
        let channel = try await session.openChannel(command: "sleep 30")
        // Kill this sshd's per-connection processes (by PID): the connection drops.
        #expect(sshd.killConnections() > 0)
        defer { sshd.stop() }
        let error = try await #require(throws: SSHError.self) { try await channel.exitStatus() }
        guard case .connectionLost = error else {
            Issue.record("wrong error: \(error)")
            return
        }
    }
}

extension SSHLoopbackTests {
    /// Regression: a task waiting for a channel's exit status while the session disconnects
    /// held the channel past `ssh_free`; its deinit then freed the C channel again (SIGSEGV in
    /// libssh at the end of a 300-test SSH job). The waiter must get `.closed` and nothing crash.
    @Test func waitingForExitWhileTheSessionDisconnectsIsAnErrorNotACrash() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        for _ in 0..<20 {
            let session = try await SSHSession.connect(sshd.options())
            var channel: SSHChannel? = try await session.openChannel(command: "sleep 30")
            let waiter = Task { [channel] in try await channel?.exitStatus() }
            try await Task.sleep(for: .milliseconds(20))  // the waiter is suspended in waitForExit
            await session.disconnect()
            await #expect(throws: SSHError.self) { _ = try await waiter.value }
            channel = nil  // the last reference: released after ssh_free
            _ = channel
        }
    }
}

extension SSHLoopbackTests {
    /// A command that ends without reading its stdin (a missing interpreter: exit 127) is an
    /// exit status, not a lost connection, however much input was still queued — as with a
    /// local pipe whose reader exits. (`qcoord deploy` met this race with a missing venv python.)
    @Test func commandThatExitsWithoutReadingItsInputReportsItsStatus() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        // Small input (the close can arrive before the first write) and more than the window.
        for size in [100, 100, 100, 100, 100, 8 * 1024 * 1024] {
            let input = [UInt8](repeating: 0x41, count: size)
            let result = try await session.exec("/nonexistent/python3 -c pass", stdin: input, timeout: .seconds(30))
            #expect(result.exitStatus == 127)
        }
        #expect(try await session.exec("echo still-up").stdoutText == "still-up\n")
    }
}
