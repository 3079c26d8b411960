import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordRun

extension QCoord {
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to every host at once and show what each can run.",
            discussion: """
            Starts the agent on each host over SSH (uploading it once per version), prints one \
            row per host (arch, cpus, KVM, python, Avocado, qemu-system binaries with versions, \
            SSH round-trip time) and, for hosts that could not be used, why. Exit code 1 when \
            any host is unreachable.
            """
        )

        @OptionGroup var hostOptions: HostOptions

        func validate() throws {
            try hostOptions.requireHosts()
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let inventory = try hostOptions.requiredInventory()
            // Agent stderr and uploads go to a log of their own; nothing else needs it.
            let log = JobLog(path: "/dev/null")
            let results = await HostProbe.probe(inventory, settings: hostOptions.settings, log: log)
            FileHandle.standardOutput.write(Data(HostsTable.render(results).utf8))
            if results.contains(where: { if case .failure = $0.outcome { return true }; return false }) {
                throw ExitCode(1)
            }
        }
    }
}
