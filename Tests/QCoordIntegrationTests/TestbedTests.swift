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
}
