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
            abstract: "Connect to every host at once and show what each can run (no hosts: this machine).",
            discussion: """
            Starts the agent on each host over SSH (uploading it once per version), prints one \
            row per host (arch, cpus, KVM, python, Avocado, qemu-system binaries with versions, \
            SSH round-trip time) and, for hosts that could not be used, why. Without '--hosts' or \
            '--inventory': this machine, through the local agent a run uses, with the Python a \
            run would choose. Exit code 1 when any host is unreachable.
            """
        )

        @OptionGroup var hostOptions: HostOptions

        @Option(help: ArgumentHelp("Without hosts: the Python of the local agent, as 'qcoord run --python' (default: as a run chooses).",
                                   valueName: "PATH"))
        var python: String?

        mutating func validate() throws {
            // The config's inventory and known_hosts (docs/config.md); not with '--python' (this machine).
            if python == nil { try hostOptions.applyConfig() }
            if python != nil && (hostOptions.hosts != nil || hostOptions.inventory != nil) {
                throw ValidationError("'--python' is for this machine; a host's python is set in the inventory ('python:')")
            }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            if hostOptions.hosts == nil && hostOptions.inventory == nil { return try await local() }
            let inventory = try hostOptions.requiredInventory()
            // Agent stderr and uploads go to a log of their own; nothing else needs it.
            let log = JobLog(path: "/dev/null")
            let results = await HostProbe.probe(inventory, settings: hostOptions.settings, log: log)
            FileHandle.standardOutput.write(Data(HostsTable.render(results).utf8))
            if results.contains(where: { if case .failure = $0.outcome { return true }; return false }) {
                throw ExitCode(1)
            }
        }

        /// This machine: the local agent with the python a run would choose.
        func local() async throws {
            let cwd = FileManager.default.currentDirectoryPath
            let chosen = LocalPythonProbe.choose(option: python.map { $0.contains("/") ? QCoord.Run.absolute($0, cwd: cwd) : $0 })
            let outcome = await HostProbe.local(python: chosen.python, workdir: cwd, log: JobLog(path: "/dev/null"))
            let result = HostProbeResult(host: InventoryHost(name: "local", address: "this machine"), outcome: outcome)
            var text = HostsTable.render([result]) + "\npython: \(chosen.python) (\(chosen.source.rawValue))\n"
            if case .success(let caps) = outcome, caps.avocado == nil {
                text += "no Avocado with it: INSTRUMENTED tests need it; install it with '\(LocalPython.installHint)'\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
            if case .failure = outcome { throw ExitCode(1) }
        }
    }
}
