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
            abstract: "Prepare hosts over SSH: python3, an Avocado venv, the agent; say what was done.",
            discussion: """
            For each host: checks python3 (3.8+), with '--with-avocado VERSION' installs that \
            Avocado into ~/.cache/qcoord/venv-avocado-VERSION on the host (from wheels this \
            machine downloads with pip and ships over SFTP, so hosts need no internet), caches \
            the agent, and starts it once to list the qemu-system binaries it finds. A second \
            run changes nothing. Prints the 'python:' line for the inventory. Exit code 1 when \
            any host could not be prepared.
            """
        )

        @OptionGroup var hostOptions: HostOptions

        @Option(name: .customLong("with-avocado"),
                help: ArgumentHelp("Install this Avocado version (e.g. 113.0) into a venv on each host.", valueName: "VERSION"))
        var avocado: String?

        @Option(help: ArgumentHelp("Where this machine keeps downloaded wheels (default: ~/.cache/qcoord/wheels).", valueName: "DIR"))
        var wheelCache: String?

        @Option(help: ArgumentHelp("The local Python whose pip downloads the wheels (default: a venv of python3 in the wheel cache).",
                                   valueName: "PYTHON"))
        var pipPython: String?

        func validate() throws {
            try hostOptions.requireHosts()
            if let avocado, !HostDeployer.isValidVersion(avocado) {
                throw ValidationError("'--with-avocado': '\(avocado)' is not a version such as 113.0")
            }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let inventory = try hostOptions.requiredInventory()
            let env = ProcessInfo.processInfo.environment
            let cacheDir = wheelCache.map { ($0 as NSString).expandingTildeInPath }
                ?? ((env["XDG_CACHE_HOME"] ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache")) + "/qcoord/wheels")
            let wheels = avocado.map { _ in WheelCache(directory: cacheDir, pipPython: pipPython) }
            let reports = await HostDeployer.deploy(inventory, settings: hostOptions.settings, avocado: avocado,
                                                    wheels: wheels, log: JobLog(path: "/dev/null"))
            FileHandle.standardOutput.write(Data(DeployReportText.render(reports, avocado: avocado).utf8))
            if reports.contains(where: { $0.error != nil }) { throw ExitCode(1) }
        }
    }
}
