import Foundation
import QCoordCore
import QCoordRun
import QCoordSSH
import Testing

/// Against a running deploy/testbed (`make test-testbed` brings one up): the inventory it
/// wrote loads, every host answers over SSH with the known_hosts and key it wrote, and each
/// host sees exactly its own, disjoint set of qemu-system binaries.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QCOORD_TESTBED_DIR"] != nil,
                             "set QCOORD_TESTBED_DIR to a testbed's state dir (make test-testbed)"))
struct TestbedTests {
    let state = ProcessInfo.processInfo.environment["QCOORD_TESTBED_DIR"] ?? ""
    static let probedArches = ["x86_64", "i386", "aarch64", "arm", "ppc", "ppc64", "riscv64", "s390x", "m68k", "alpha", "sh4"]

    func options(_ host: InventoryHost) -> SSHConnectOptions {
        SSHConnectOptions(host: host.address, name: host.name, port: host.port, user: host.user,
                          identityFiles: host.identity.map { [$0] } ?? [], knownHostsFile: state + "/known_hosts",
                          configFile: .none, useAgent: false, connectTimeout: .seconds(5))
    }

    @Test func everyHostSeesOnlyItsOwnQEMUBinaries() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        #expect(inventory.hosts.count >= 2)
        // Connect to all at once: each session has its own thread, so this is not serialized.
        let seen = try await withThrowingTaskGroup(of: (String, [String], Duration).self) { group in
            for host in inventory.hosts {
                let options = self.options(host)
                group.addTask {
                    let start = ContinuousClock.now
                    let session = try await SSHSession.connect(options)
                    let connected = ContinuousClock.now - start
                    let names = TestbedTests.probedArches.joined(separator: " ")
                    let probe = "import shutil; print(\" \".join(a for a in \"\(names)\".split() if shutil.which(\"qemu-system-\" + a)))"
                    let result = try await session.exec("python3 -c '\(probe)'")
                    #expect(result.exitStatus == 0, "\(result.stderrText)")
                    let arches = result.stdoutText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                    return (host.name, arches, connected)
                }
            }
            return try await group.reduce(into: [String: ([String], Duration)]()) { $0[$1.0] = ($1.1, $1.2) }
        }
        var all: [String] = []
        for host in inventory.hosts {
            let (arches, connectTime) = try #require(seen[host.name])
            let expected = host.labels.filter { $0 != "testbed" }
            #expect(arches.sorted() == expected.sorted(), "host \(host.name)")
            all += arches
            print("testbed: \(host.name) connect+auth \(connectTime) (parallel), qemu: \(arches.joined(separator: " "))")
        }
        #expect(Set(all).count == all.count, "binary sets overlap: \(all)")
    }

    @Test func connectAndAuthenticateOneAfterAnother() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        for host in inventory.hosts {
            var times: [Duration] = []
            for _ in 0..<5 {
                let start = ContinuousClock.now
                let session = try await SSHSession.connect(options(host))
                times.append(ContinuousClock.now - start)
                await session.disconnect()
            }
            times.sort()
            print("testbed: \(host.name) connect+auth median \(times[2]) min \(times[0]) (5 sequential)")
            #expect(times.count == 5)
        }
    }

    /// A cut link (the host's veth down) is noticed within seconds, not when TCP gives up:
    /// TCP_USER_TIMEOUT plus unacknowledged data.
    static var namespaceMode: Bool {
        guard let state = ProcessInfo.processInfo.environment["QCOORD_TESTBED_DIR"] else { return false }
        return ((try? String(contentsOfFile: state + "/mode", encoding: .utf8)) ?? "").contains("netns")
    }

    @Test(.enabled(if: TestbedTests.namespaceMode, "needs the namespace testbed (a veth to cut)"))
    func cutLinkFailsTheChannelFast() async throws {
        let prefix = ProcessInfo.processInfo.environment["QCOORD_TESTBED_PREFIX"] ?? "qctb"
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        var options = options(try #require(inventory.host(named: "h1")))
        options.tcpUserTimeout = .seconds(2)
        let session = try await SSHSession.connect(options)
        let channel = try await session.openChannel(command: "cat")
        try Self.ip(["link", "set", "\(prefix)v1", "down"])
        defer { try? Self.ip(["link", "set", "\(prefix)v1", "up"]) }
        let start = ContinuousClock.now
        try await channel.send(Array("are you there\n".utf8))
        try? await session.probe()
        let error = try await #require(throws: SSHError.self) { try await channel.exitStatus() }
        let elapsed = ContinuousClock.now - start
        print("testbed: cut link noticed after \(elapsed): \(error)")
        #expect(elapsed < .seconds(15))
        if case .connectionLost = error {} else { Issue.record("wrong error: \(error)") }
        // Leave the host usable for the next test: link up, and wait until it answers again.
        try Self.ip(["link", "set", "\(prefix)v1", "up"])
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                _ = try await SSHSession.connect(options)
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        Issue.record("h1 did not come back after the link was restored: \(String(describing: lastError))")
    }

    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ip \(arguments.joined(separator: " ")) failed")
    }

    /// The real agent, started over SSH on every host at once: its `ready` reports exactly
    /// the host's own, disjoint binaries; a SIMPLE test runs; shutdown ends the link.
    @Test func agentsStartOverSSHAndReportDisjointBinaries() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let dir = NSTemporaryDirectory() + "qcoord-testbed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = JobLog(path: dir + "/job.log")
        let links = try await withThrowingTaskGroup(of: (SSHAgentLink, Duration).self) { group in
            for host in inventory.hosts {
                let options = self.options(host)
                group.addTask {
                    let start = ContinuousClock.now
                    let hello = CoordinatorMessage.Hello(jobID: "testbed", qemuSearch: .init(dirs: host.qemuDirs, pathSearch: host.qemuPathSearch))
                    let link = try await SSHAgentLink.start(host: host.name, ssh: options, python: host.python ?? "python3",
                                                            hello: hello, log: log, readyTimeout: .seconds(30))
                    return (link, ContinuousClock.now - start)
                }
            }
            return try await group.reduce(into: [(SSHAgentLink, Duration)]()) { $0.append($1) }
        }
        var all: [String] = []
        for (link, time) in links.sorted(by: { $0.0.host < $1.0.host }) {
            let host = try #require(inventory.host(named: link.host))
            let arches = Set(link.capabilities.qemu.keys.map(ArchName.normalize))
            #expect(arches == Set(host.labels.filter { $0 != "testbed" }), "host \(link.host): \(link.capabilities.qemu)")
            all += arches
            print("testbed: \(link.host) connect+auth \(link.connectTime), agent ready after \(time) (parallel), qemu \(arches.sorted())")
        }
        #expect(Set(all).count == all.count)

        let h1 = try #require(links.first { $0.0.host == "h1" }?.0)
        await h1.run(.init(taskID: "t1", kind: .simple, name: "/bin/true", uri: "/bin/true", workdir: "/"))
        var finished: AgentMessage.Finished?
        events: for await batch in h1.events {
            for event in batch {
                if case .message(.finished(let f)) = event { finished = f; break events }
                if case .lost(let reason) = event { Issue.record("lost: \(reason)"); break events }
            }
        }
        #expect(finished?.status == .pass)
        for (link, _) in links { await link.shutdown(grace: .seconds(5)) }
        for (link, _) in links {
            var lost = false
            for await batch in link.events where batch.contains(where: { if case .lost = $0 { true } else { false } }) { lost = true }
            #expect(lost)
        }
    }

    @Test func missingPythonIsReportedNotCrashed() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let host = try #require(inventory.hosts.first)
        let dir = NSTemporaryDirectory() + "qcoord-testbed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = try await #require(throws: RunError.self) {
            try await SSHAgentLink.start(host: host.name, ssh: options(host), python: "python3-nonexistent",
                                         hello: .init(jobID: "j"), log: JobLog(path: dir + "/job.log"), readyTimeout: .seconds(20))
        }
        #expect(error.description.contains("python3-nonexistent"))
        print("testbed: \(error)")
    }

    /// `qcoord hosts` (the built binary) lists every host with exactly its binaries, and
    /// names a host it cannot use (an unknown host key here) with the reason; exit 1.
    @Test func hostsCommandShowsEveryHost() throws {
        let qcoord = RunHarness.qcoord
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let ok = try Self.runQCoord(qcoord, ["hosts", "--inventory", state + "/inventory.yaml", "--known-hosts", state + "/known_hosts"])
        #expect(ok.status == 0, "\(ok.output)")
        let lines = ok.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true)
        for host in inventory.hosts {
            let row = try #require(lines.first { $0.hasPrefix(host.name + " ") }, "\(ok.output)")
            for arch in host.labels where arch != "testbed" { #expect(row.contains("\(arch) 7."), "\(row)") }
            #expect(row.contains(" ms"))
        }
        let emptyKnownHosts = NSTemporaryDirectory() + "qcoord-kh-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: emptyKnownHosts) }
        let host = inventory.hosts[0]
        let refused = try Self.runQCoord(qcoord, ["hosts", "--hosts", "root@\(host.address)" + (host.port.map { ":\($0)" } ?? ""), "-i", state + "/id_ed25519",
                                                  "--known-hosts", emptyKnownHosts])
        #expect(refused.status == 1)
        #expect(refused.output.contains("unreachable"))
        #expect(refused.output.contains("host key not known (SHA256:"))
    }

    static func runQCoord(_ qcoord: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try Shell.run(qcoord, arguments)
    }

    /// A test tree synced to a host's own home: everything the first time, nothing the
    /// second, only the changed file's bytes after an edit; the files arrive intact.
    @Test func treeSyncSendsOnlyWhatTheHostLacks() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let host = try #require(inventory.hosts.last)
        let root = NSTemporaryDirectory() + "qcoord-tree-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        let marker = UUID().uuidString  // a tree no earlier run has sent
        try "import helper\nprint(helper.X, '\(marker)')\n".write(toFile: root + "/test_a.py", atomically: true, encoding: .utf8)
        try "X = 42\n".write(toFile: root + "/helper.py", atomically: true, encoding: .utf8)
        try String(repeating: "d", count: 300_000).write(toFile: root + "/data/blob.txt", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho simple-ok\n".write(toFile: root + "/simple.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/simple.sh")
        let files = ["test_a.py", "helper.py", "data/blob.txt", "simple.sh"]
        let session = try await SSHSession.connect(options(host))

        let first = try await TreeSync.sync(try TreeManifest.build(root: root, files: files), root: root, session: session)
        #expect(!first.wasComplete)
        #expect(first.bytesSent == (try TreeManifest.build(root: root, files: files)).totalBytes)
        let run = try await session.exec("cd \(first.remoteDirectory) && python3 test_a.py && ./simple.sh && wc -c < data/blob.txt")
        #expect(run.stdoutText == "42 \(marker)\nsimple-ok\n300000\n", "\(run.stderrText)")

        let second = try await TreeSync.sync(try TreeManifest.build(root: root, files: files), root: root, session: session)
        #expect(second.wasComplete && second.bytesSent == 0 && second.remoteDirectory == first.remoteDirectory)

        try "X = 43\n".write(toFile: root + "/helper.py", atomically: true, encoding: .utf8)
        let third = try await TreeSync.sync(try TreeManifest.build(root: root, files: files), root: root, session: session)
        #expect(third.bytesSent == 7 && third.filesSent == 1)
        #expect(third.remoteDirectory != first.remoteDirectory)
        let rerun = try await session.exec("cd \(third.remoteDirectory) && python3 test_a.py")
        #expect(rerun.stdoutText == "43 \(marker)\n")
        print("testbed: tree sync bytes sent: first \(first.bytesSent), repeated \(second.bytesSent), after a one-line edit \(third.bytesSent)")
    }

    /// A test that lives only on this machine runs on a host through the agent link once its
    /// tree is synced: the link rewrites the task's local paths to the host's copy.
    @Test func syncedTestRunsOnAHostThroughTheAgent() async throws {
        let inventory = try InventoryLoader.load(path: state + "/inventory.yaml")
        let host = try #require(inventory.hosts.first)
        let root = NSTemporaryDirectory() + "qcoord-tree-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"ran in $(pwd)\"\n".write(toFile: root + "/simple.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/simple.sh")
        let log = JobLog(path: root + "/job.log")
        let link = try await SSHAgentLink.start(host: host.name, ssh: options(host), hello: .init(jobID: "sync"), log: log)
        let report = try await TreeSync.sync(try TreeManifest.scan(root: root), root: root, session: link.session)
        link.setPathMap(.init(local: root, remote: report.remoteDirectory))
        await link.run(.init(taskID: "s1", kind: .simple, name: "simple.sh", uri: root + "/simple.sh", workdir: root))
        var output = ""
        var finished: AgentMessage.Finished?
        events: for await batch in link.events {
            for event in batch {
                if case .message(.output(let o)) = event, let data = Data(base64Encoded: o.dataB64) { output += String(decoding: data, as: UTF8.self) }
                if case .message(.finished(let f)) = event { finished = f; break events }
                if case .lost(let reason) = event { Issue.record("lost: \(reason)"); break events }
            }
        }
        #expect(finished?.status == .pass, "\(String(describing: finished))")
        #expect(output.contains("ran in \(report.remoteDirectory)"), "\(output)")
        await link.shutdown(grace: .seconds(5))
    }
}
