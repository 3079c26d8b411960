import Foundation
import QCoordCore
import QCoordSSH

/// Prepares hosts for qcoord over SSH: checks python3, installs Avocado into a venv of its own
/// when asked (from wheels fetched on this machine, so hosts need no internet), caches the
/// agent, and starts it once to see what the host offers. Running it again changes nothing.
///
/// On each host everything lives under `~/.cache/qcoord/`: `venv-avocado-VERSION/` (the venv,
/// complete once it holds `.qcoord-deployed.json`), `wheels/avocado-VERSION-pyX.Y/` (what it
/// was installed from), `pylib/` (pycotap for QEMU's tests/functional, complete once it holds
/// `.qcoord-pylib.json`; the agent puts it on PYTHONPATH for FUNCTIONAL tests), `wheels/pycotap-VERSION/`
/// and `agents/`.
public enum HostDeployer {
    /// The venv for Avocado `version`, relative to the host's login directory.
    public static func venvPath(avocado version: String) -> String { ".cache/qcoord/venv-avocado-\(version)" }

    /// Where pycotap goes on a host, relative to its login directory (the agent looks in
    /// `$XDG_CACHE_HOME/qcoord/pylib`, else `~/.cache/qcoord/pylib`).
    public static let pylibPath = ".cache/qcoord/pylib"

    /// What to write as `python:` in the inventory for that venv.
    public static func inventoryPython(avocado version: String) -> String { "~/" + venvPath(avocado: version) + "/bin/python" }

    /// Versions pip accepts and no shell could misread: digits and dots (113.0, 88.1, 104).
    public static func isValidVersion(_ version: String) -> Bool {
        !version.isEmpty && !version.hasPrefix(".") && !version.hasSuffix(".") && !version.contains("..")
            && version.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    /// Every host at once; reports in inventory order.
    public static func deploy(_ inventory: Inventory, settings: SSHSettings, avocado: String?,
                              wheels: WheelCache?, log: JobLog) async -> [HostDeployReport] {
        await withTaskGroup(of: (Int, HostDeployReport).self) { group in
            for (index, host) in inventory.hosts.enumerated() {
                group.addTask {
                    (index, await deploy(host, settings: settings, avocado: avocado, wheels: wheels, log: log))
                }
            }
            var reports: [(Int, HostDeployReport)] = []
            for await item in group { reports.append(item) }
            return reports.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    public static func deploy(_ host: InventoryHost, settings: SSHSettings, avocado: String?,
                              wheels: WheelCache?, log: JobLog) async -> HostDeployReport {
        var report = HostDeployReport(host: host)
        let session: SSHSession
        do {
            session = try await SSHSession.connect(settings.options(for: host))
        } catch {
            report.error = .ssh(host: host.name, reason: "\(error)")
            return report
        }
        do {
            report.python = try await prepare(SSHDeployTarget(name: host.name, session: session), configured: host.python ?? "python3",
                                              venv: avocado.map { venvPath(avocado: $0) }, avocado: avocado, pylib: pylibPath,
                                              wheels: wheels, report: &report)
        } catch let error as DeployError {
            report.error = error
        } catch {
            report.error = .ssh(host: host.name, reason: "\(error)")
        }
        await session.disconnect()
        guard report.error == nil, let python = report.python else { return report }

        // The proof: the agent starts with that python and finds Avocado and QEMU as a job would.
        var hello = CoordinatorMessage.Hello(jobID: "deploy")
        hello.qemuSearch = SSHSettings.qemuSearch(for: host)
        hello.qemuSearch.python = python
        do {
            let link = try await SSHAgentLink.start(host: host.name, ssh: settings.options(for: host), python: python,
                                                    hello: hello, log: log)
            let caps = link.capabilities
            await link.shutdown(grace: .seconds(5))
            record(caps, python: python, avocado: avocado, report: &report)
        } catch {
            report.error = .helper(host: host.name, reason: "the agent did not start with \(python): \(error)")
        }
        return report
    }

    /// `qcoord deploy --local`: the same steps on this machine, no SSH. With `avocado`, the venv
    /// is `LocalPython.deployedVenv` (under `cacheHome`), where `qcoord run` looks without `--python`.
    public static func deployLocal(avocado: String?, wheels: WheelCache?, cacheHome: String, workdir: String,
                                   log: JobLog) async -> HostDeployReport {
        var report = HostDeployReport(host: InventoryHost(name: "local", address: "this machine"))
        do {
            report.python = try await prepare(LocalDeployTarget(), configured: "python3",
                                              venv: avocado.map { LocalPython.deployedVenv(cacheHome: cacheHome, avocado: $0) },
                                              avocado: avocado, pylib: cacheHome + "/qcoord/pylib", wheels: wheels, report: &report)
        } catch let error as DeployError {
            report.error = error
        } catch {
            report.error = .helper(host: "local", reason: "\(error)")
        }
        guard report.error == nil, let python = report.python else { return report }
        let hello = CoordinatorMessage.Hello(jobID: "deploy", qemuSearch: JobHosts.localSearch(.init(), python: python, workdir: workdir,
                                                                                              treeRoot: nil), hostName: "local")
        do {
            let link = try await LocalAgentLink.start(python: python, hello: hello, log: log)
            let caps = link.capabilities
            await link.shutdown(grace: .seconds(5))
            record(caps, python: python, avocado: avocado, report: &report)
        } catch {
            report.error = .helper(host: "local", reason: "the agent did not start with \(python): \(error)")
        }
        return report
    }

    /// What the agent started with the deployed python reports: its qemu binaries, and that it sees the Avocado installed.
    private static func record(_ caps: HostCapabilities, python: String, avocado: String?, report: inout HostDeployReport) {
        let host = report.host
        report.capabilities = caps
        do {
            let qemu = caps.qemu.keys.sorted().map { name in
                "qemu-system-\(name) \(caps.qemu[name].map { String($0.version.split(separator: " ").first ?? "") } ?? "")"
            }
            report.add("qemu", qemu.isEmpty
                ? "no qemu-system-* found; install the qemu-system packages, or set 'qemu_dirs' in the inventory"
                : qemu.joined(separator: ", "))
            if let avocado, caps.avocado != avocado {
                report.error = .install(host: host.name, reason: "the agent sees Avocado \(caps.avocado ?? "none") with \(python), not \(avocado)")
            } else if caps.pycotap == nil {
                report.error = .pycotap(host: host.name, reason: "the agent cannot import it with \(python)")
            }
        }
    }

    /// The steps on one target (an open SSH session, or this machine); returns the python the
    /// inventory should name (locally: the one `qcoord run` finds by itself).
    /// - Parameter venv: where Avocado goes: relative to the login directory, or absolute.
    /// - Parameter pylib: where pycotap goes (likewise).
    private static func prepare(_ target: some DeployTarget, configured: String, venv: String?, avocado: String?,
                                pylib: String, wheels: WheelCache?, report: inout HostDeployReport) async throws -> String {
        var python = configured
        var probe: HelperAnswer
        do {
            probe = try await runHelper(target, python: python, request: .init(venv: venv, pylib: pylib))
        } catch DeployError.noPython(_, _) where configured != "python3" && configured.contains(".cache/qcoord/venv-avocado-") {
            // The inventory already names a deployed venv that this (new) host lacks: build it with python3.
            python = "python3"
            probe = try await runHelper(target, python: python, request: .init(venv: venv, pylib: pylib))
        }
        report.add("python", "\(python): Python \(probe.version) (\(probe.executable), \(probe.machine))")

        var inventoryPython = configured
        if let avocado, let venv {
            let label = "avocado"
            let shown = venv.hasPrefix("/") ? venv : "~/" + venv
            if probe.venvState == "ready" && probe.venvAvocado == avocado {
                report.add(label, "venv \(shown): already present (Avocado \(avocado))")
            } else {
                guard let wheels else { throw DeployError.wheels("no wheel cache") }
                let pyVersion = probe.version.split(separator: ".").prefix(2).joined(separator: ".")
                let set = try await wheels.wheels(avocado: avocado, python: pyVersion).get()
                let staged = try await target.stage(set)
                report.add("wheels", "\(set.files.count) from \(set.directory) (\(set.downloaded ? "downloaded now" : "local cache"))"
                    + (staged.shipped.map { ", \($0) shipped to ~/\(staged.directory)" } ?? ""), changed: (staged.shipped ?? 0) > 0)
                let began = ContinuousClock.now
                let answer = try await runHelper(target, python: python,
                                                 request: .init(action: "install", venv: venv, wheels: staged.directory,
                                                                requirements: WheelCache.requirements(avocado: avocado)),
                                                 timeout: .seconds(600))
                if let error = answer.error { throw DeployError.install(host: target.name, reason: error) }
                guard answer.venvState == "ready" else {
                    throw DeployError.install(host: target.name, reason: "the venv is \(answer.venvState ?? "missing") after installing")
                }
                let took = (ContinuousClock.now - began).components
                let seconds = Double(took.seconds) + Double(took.attoseconds) / 1e18
                report.add(label, "venv \(shown): installed Avocado \(answer.venvAvocado ?? avocado) (\(String(format: "%.1f", seconds)) s)", changed: true)
            }
            inventoryPython = venv.hasPrefix("/") ? venv + "/bin/python" : Self.inventoryPython(avocado: avocado)
        }

        try await preparePylib(target, python: python, pylib: pylib, probe: probe, wheels: wheels, report: &report)

        let agent = try await target.cacheAgent()
        report.add("agent", agent.detail, changed: agent.changed)
        return inventoryPython
    }

    /// pycotap in `pylib` (QEMU's tests/functional print TAP with it), from its wheel, unless the
    /// probe found that version there already. No Avocado, no pip on the host: the helper unpacks the wheel.
    private static func preparePylib(_ target: some DeployTarget, python: String, pylib: String, probe: HelperAnswer,
                                     wheels: WheelCache?, report: inout HostDeployReport) async throws {
        let shown = pylib.hasPrefix("/") ? pylib : "~/" + pylib
        let version = WheelCache.pycotapVersion
        if probe.pylibState == "ready" && probe.pylibPycotap == version {
            report.add("pycotap", "\(shown): already present (pycotap \(version))")
            return
        }
        guard let wheels else { throw DeployError.pycotap(host: target.name, reason: "no wheel cache") }
        let set: WheelCache.WheelSet
        switch await wheels.pycotap() {
        case .success(let fetched): set = fetched
        case .failure(.wheels(let reason)): throw DeployError.pycotap(host: target.name, reason: "cannot fetch its wheel on this machine: " + reason)
        case .failure(let error): throw error
        }
        let staged = try await target.stage(set)
        let answer = try await runHelper(target, python: python,
                                         request: .init(action: "install-pylib", pylib: pylib, pylibWheels: staged.directory))
        if let error = answer.error { throw DeployError.pycotap(host: target.name, reason: error) }
        guard answer.pylibState == "ready" else {
            throw DeployError.pycotap(host: target.name, reason: "\(shown) is \(answer.pylibState ?? "missing") after installing")
        }
        report.add("pycotap", "\(shown): installed pycotap \(answer.pylibPycotap ?? version) for QEMU's tests/functional ("
            + (set.downloaded ? "downloaded now" : "local wheel cache") + (staged.shipped.map { ", \($0) shipped" } ?? "") + ")",
            changed: true)
    }

    struct HelperRequest: Encodable {
        var action: String = "probe"
        var venv: String?
        var wheels: String?
        var requirements: [String]?
        var pylib: String?
        var pylibWheels: String?
        enum CodingKeys: String, CodingKey {
            case action, venv, wheels, requirements, pylib
            case pylibWheels = "pylib_wheels"
        }
    }

    struct HelperAnswer: Decodable {
        var executable: String
        var version: String
        var machine: String
        var error: String?
        var venvState: String?
        var venvAvocado: String?
        var pylibState: String?
        var pylibPycotap: String?
        enum CodingKeys: String, CodingKey {
            case executable, version, machine, error
            case venvState = "venv_state", venvAvocado = "venv_avocado"
            case pylibState = "pylib_state", pylibPycotap = "pylib_pycotap"
        }
    }

    /// Runs the fixed helper with `python`; the request goes as JSON on stdin.
    private static func runHelper(_ target: some DeployTarget, python: String, request: HelperRequest,
                                  timeout: Duration = .seconds(60)) async throws -> HelperAnswer {
        let host = target.name
        let command = "exec \(SSHAgentLink.shellQuote(python)) -c \(SSHAgentLink.shellQuote(DeployHelperScript.source))"
        let result: DeployExecResult
        do {
            result = try await target.exec(command, stdin: Array(try JSONEncoder().encode(request)) + [10], timeout: timeout)
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError.ssh(host: host, reason: "\(error)")
        }
        if result.exitStatus == 127 { throw DeployError.noPython(host: host, python: python) }
        let line = result.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        guard result.exitStatus == 0, let answer = try? JSONDecoder().decode(HelperAnswer.self, from: Data(line.utf8)) else {
            let stderr = result.stderrText.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw DeployError.helper(host: host, reason: "exit status \(result.exitStatus): \(stderr.isEmpty ? result.stdoutText : stderr)")
        }
        if answer.error == "too old" { throw DeployError.pythonTooOld(host: host, python: python, version: answer.version) }
        return answer
    }
}
