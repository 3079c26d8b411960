import Foundation
import Testing
@testable import QCoordSSH

/// Against a real sshd on loopback, started per test. One serialized suite: each test
/// has its own server, port and HOME, but they share the machine's two cores.
@Suite(.serialized)
struct SSHLoopbackTests {
    @Test func connectsWithKeyFileAndRunsCommandWithSeparateStreams() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        #expect(session.user == "root")
        #expect(session.label.description == "testhost (127.0.0.1:\(sshd.port))")
        let result = try await session.exec("echo out; echo err >&2; echo more; exit 3")
        #expect(result.stdoutText == "out\nmore\n")
        #expect(result.stderrText == "err\n")
        #expect(result.exitStatus == 3)
        let second = try await session.exec("true")
        #expect(second.exitStatus == 0)
        #expect(await session.isConnected)
    }

    @Test func authenticatesWithSSHAgent() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let agent = try SSHAgentFixture(directory: sshd.directory, keys: [sshd.clientKey])
        defer { agent.stop() }
        var options = sshd.options(identity: false)
        options.useAgent = true
        options.agentSocket = agent.socket
        let session = try await SSHSession.connect(options)
        let result = try await session.exec("echo via-agent")
        #expect(result.stdoutText == "via-agent\n")
    }

    @Test func authenticationFailureNamesWhatWasTried() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let otherKey = sshd.directory + "/other_ed25519"
        try SSHDFixture.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey])
        var options = sshd.options(identity: false)
        options.identityFiles = [otherKey, sshd.directory + "/missing_key"]
        let error = try await #require(throws: SSHError.self) { try await SSHSession.connect(options) }
        guard case .authenticationFailed(_, let user, let tried) = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(user == "root")
        #expect(tried == [otherKey, sshd.directory + "/missing_key (no such file)"])
        #expect(error.description.hasPrefix("authentication failed for root@testhost: tried \(otherKey)"))
    }

    @Test func unknownHostIsRefusedUnlessAcceptNewThenRecorded() async throws {
        let sshd = try SSHDFixture(knownHostsTrusted: false)
        defer { sshd.stop() }
        let fingerprint = try sshd.hostKeyFingerprint()
        let error = try await #require(throws: SSHError.self) { try await SSHSession.connect(sshd.options()) }
        guard case .unknownHostKey(_, let shown, let file) = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(shown == fingerprint)
        #expect(file == sshd.knownHosts)
        #expect(error.description.contains("--accept-new-host-keys"))

        _ = try await SSHSession.connect(sshd.options(acceptNew: true))
        let recorded = try String(contentsOfFile: sshd.knownHosts, encoding: .utf8)
        #expect(recorded.contains("[127.0.0.1]:\(sshd.port) ssh-ed25519 "))
        // Now known: accepted without the flag.
        let again = try await SSHSession.connect(sshd.options())
        #expect(try await again.exec("echo ok").stdoutText == "ok\n")
    }

    @Test func acceptNewFromManyHostsAtOnceWritesEachKeyOnce() async throws {
        let servers = try (0..<3).map { _ in try SSHDFixture(knownHostsTrusted: false) }
        defer { servers.forEach { $0.stop() } }
        let shared = servers[0].knownHosts
        try await withThrowingTaskGroup(of: Void.self) { group in
            for server in servers {
                var options = server.options(acceptNew: true)
                options.knownHostsFile = shared
                group.addTask { _ = try await SSHSession.connect(options) }
            }
            try await group.waitForAll()
        }
        let lines = try String(contentsOfFile: shared, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for server in servers { #expect(lines.filter { $0.hasPrefix("[127.0.0.1]:\(server.port) ") }.count == 1) }
    }

    @Test func changedHostKeyIsRefusedEvenWithAcceptNew() async throws {
        let sshd = try SSHDFixture(knownHostsTrusted: false)
        defer { sshd.stop() }
        let impostor = sshd.directory + "/impostor"
        try SSHDFixture.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", impostor])
        let oldKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(sshd.port) \(oldKey)\n".write(toFile: sshd.knownHosts, atomically: true, encoding: .utf8)
        let fingerprint = try sshd.hostKeyFingerprint()
        let error = try await #require(throws: SSHError.self) { try await SSHSession.connect(sshd.options(acceptNew: true)) }
        guard case .hostKeyChanged(_, let shown, _) = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(shown == fingerprint)
        #expect(error.description.contains("host key changed (\(fingerprint))"))
        #expect(error.description.contains("ssh-keygen -R '[127.0.0.1]:\(sshd.port)' -f \(sshd.knownHosts)"))
        // The file was not touched.
        #expect(try String(contentsOfFile: sshd.knownHosts, encoding: .utf8) == "[127.0.0.1]:\(sshd.port) \(oldKey)\n")
    }

    @Test func hostKeyOfOtherTypeIsRefused() async throws {
        let sshd = try SSHDFixture(knownHostsTrusted: false)
        defer { sshd.stop() }
        let other = sshd.directory + "/other_ecdsa"
        try SSHDFixture.run(["ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", other])
        let key = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(sshd.port) \(key)\n".write(toFile: sshd.knownHosts, atomically: true, encoding: .utf8)
        let error = try await #require(throws: SSHError.self) { try await SSHSession.connect(sshd.options(acceptNew: true)) }
        guard case .hostKeyTypeMismatch = error else {
            Issue.record("wrong error: \(error)")
            return
        }
    }

    @Test func connectionRefusedSaysWhichPort() async throws {
        let port = try SSHDFixture.freePort()
        let options = SSHConnectOptions(host: "127.0.0.1", name: "h3", port: port, configFile: .none,
                                        useAgent: false, homeDirectory: NSTemporaryDirectory(), connectTimeout: .seconds(3))
        let error = try await #require(throws: SSHError.self) { try await SSHSession.connect(options) }
        guard case .connectionRefused = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(error.description == "host h3 (127.0.0.1:\(port)): connection refused — is sshd running on port \(port)?")
    }

    @Test func configAliasSuppliesHostNamePortUserAndIdentity() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let config = """
            Host other
                Port 1
            Host qtest-alias
                HostName 127.0.0.1
                Port \(sshd.port)
                User root
                IdentityFile \(sshd.clientKey)
            Host *
                User nobody

            """
        try config.write(toFile: sshd.home + "/.ssh/config", atomically: true, encoding: .utf8)
        let options = SSHConnectOptions(host: "qtest-alias", knownHostsFile: sshd.knownHosts, configFile: .automatic,
                                        useAgent: false, homeDirectory: sshd.home, connectTimeout: .seconds(5))
        let session = try await SSHSession.connect(options)
        #expect(session.label.address == "127.0.0.1")
        #expect(session.label.port == sshd.port)
        #expect(session.user == "root")
        #expect(try await session.exec("echo alias").stdoutText == "alias\n")
    }

    @Test func explicitPortOverridesConfig() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        try "Host 127.0.0.1\n    Port 1\n".write(toFile: sshd.home + "/.ssh/config", atomically: true, encoding: .utf8)
        var options = sshd.options()
        options.configFile = .automatic
        let session = try await SSHSession.connect(options)
        #expect(session.label.port == sshd.port)
    }
}

extension SSHLoopbackTests {
    static func hostThreadCount() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            ((try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("qc-ssh-")
        }.count
    }

    @Test func sessionsReleaseTheirThreadsWhenDropped() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let before = Self.hostThreadCount()
        for _ in 0..<3 {
            let session = try await SSHSession.connect(sshd.options())
            let channel = try await session.openChannel(command: "cat")
            try await channel.send(Array("x\n".utf8))
            _ = try await session.exec("true")
            _ = try await session.sftp().stat("/")
            #expect(Self.hostThreadCount() > before)
            _ = channel
        }
        _ = try? await SSHSession.connect(SSHConnectOptions(host: "127.0.0.1", port: try SSHDFixture.freePort(),
                                                            configFile: .none, useAgent: false, homeDirectory: sshd.home))
        var remaining = Self.hostThreadCount()
        for _ in 0..<100 where remaining > before {
            try await Task.sleep(for: .milliseconds(20))
            remaining = Self.hostThreadCount()
        }
        #expect(remaining == before)
    }
}
