import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordRun

extension QCoord {
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prepare hosts over SSH (or this machine, '--local'): python3, an Avocado venv, the agent; say what was done.",
            discussion: """
            For each host: checks python3 (3.8+), with '--with-avocado VERSION' installs that \
            Avocado into ~/.cache/qcoord/venv-avocado-VERSION on the host (from wheels this \
            machine downloads with pip and ships over SFTP, so hosts need no internet), installs \
            pycotap (which QEMU's tests/functional need) into ~/.cache/qcoord/pylib, caches \
            the agent, and starts it once to list the qemu-system binaries it finds. A second \
            run changes nothing. Prints the 'python:' line for the inventory. With '--local', the \
            same on this machine without SSH: the venv goes to ~/.cache/qcoord/venv-avocado-VERSION \
            ($XDG_CACHE_HOME/qcoord/… when set), where 'qcoord run' finds it without '--python'. \
            Exit code 1 when any host could not be prepared.
            """
        )

        @OptionGroup var hostOptions: HostOptions

        @Flag(help: "Prepare this machine instead of hosts (no SSH): the venv 'qcoord run' uses without '--python'.")
        var local = false

        @Option(name: .customLong("with-avocado"),
                help: ArgumentHelp("Install this Avocado version (e.g. 113.0) into a venv on each host.", valueName: "VERSION"))
        var avocado: String?

        @Option(help: ArgumentHelp("Where this machine keeps downloaded wheels (default: ~/.cache/qcoord/wheels).", valueName: "DIR"))
        var wheelCache: String?

        @Option(help: ArgumentHelp("The local Python whose pip downloads the wheels (default: a venv of python3 in the wheel cache).",
                                   valueName: "PYTHON"))
        var pipPython: String?

        mutating func validate() throws {
            // The config's inventory and known_hosts (docs/config.md); '--local' is this machine.
            if !local { try hostOptions.applyConfig() }
            if local {
                if hostOptions.hosts != nil || hostOptions.inventory != nil {
                    throw ValidationError("'--local' prepares this machine: give no '--hosts' or '--inventory'")
                }
            } else {
                try hostOptions.requireHosts()
            }
            if let avocado, !HostDeployer.isValidVersion(avocado) {
                throw ValidationError("'--with-avocado': '\(avocado)' is not a version such as 113.0")
            }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let env = ProcessInfo.processInfo.environment
            let cacheDir = wheelCache.map { ($0 as NSString).expandingTildeInPath }
                ?? (LocalPythonProbe.cacheHome(env) + "/qcoord/wheels")
            let wheels = WheelCache(directory: cacheDir, pipPython: pipPython)
            if local {
                let report = await HostDeployer.deployLocal(avocado: avocado, wheels: wheels, cacheHome: LocalPythonProbe.cacheHome(env),
                                                            workdir: FileManager.default.currentDirectoryPath,
                                                            log: JobLog(path: "/dev/null"))
                var text = DeployReportText.render([report], avocado: nil)
                if report.error == nil, avocado != nil, let python = report.python {
                    text += "\n'qcoord run' and 'qcoord hosts' use \(python) without '--python' (unless $VIRTUAL_ENV has Avocado).\n"
                }
                FileHandle.standardOutput.write(Data(text.utf8))
                if report.error != nil { throw ExitCode(1) }
                return
            }
            let inventory = try hostOptions.requiredInventory()
            let reports = await HostDeployer.deploy(inventory, settings: hostOptions.settings, avocado: avocado,
                                                    wheels: wheels, log: JobLog(path: "/dev/null"))
            FileHandle.standardOutput.write(Data(DeployReportText.render(reports, avocado: avocado).utf8))
            if reports.contains(where: { $0.error != nil }) { throw ExitCode(1) }
        }
    }
}
