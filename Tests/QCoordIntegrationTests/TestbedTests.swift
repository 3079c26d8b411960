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
    @Test func cutLinkFailsTheChannelFast() async throws {
        let mode = (try? String(contentsOfFile: state + "/mode", encoding: .utf8)) ?? ""
        try #require(mode.contains("netns"), "only in namespace mode")
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
        guard case .connectionLost = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(elapsed < .seconds(15))
    }

    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ip \(arguments.joined(separator: " ")) failed")
    }
}
