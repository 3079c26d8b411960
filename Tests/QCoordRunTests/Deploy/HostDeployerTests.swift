import Foundation
import Testing
@testable import QCoordRun

/// The pure parts of `qcoord deploy`, and its host helper run for real with this machine's
/// python3 in a scratch HOME (the testbed run is `make check-deploy`).
struct HostDeployerTests {
    @Test(arguments: ["113.0", "88.1", "104", "1.2.3"])
    func versionsAccepted(_ version: String) {
        #expect(HostDeployer.isValidVersion(version))
    }

    @Test(arguments: ["", ".1", "1.", "1..2", "113.0;rm -rf ~", "$(id)", "113.0 ", "１１３", "latest", "113.0rc1"])
    func versionsRefused(_ version: String) {
        #expect(!HostDeployer.isValidVersion(version))
    }

    @Test func venvAndInventoryPython() {
        #expect(HostDeployer.venvPath(avocado: "113.0") == ".cache/qcoord/venv-avocado-113.0")
        #expect(HostDeployer.inventoryPython(avocado: "113.0") == "~/.cache/qcoord/venv-avocado-113.0/bin/python")
        // The agent link turns `~/` into "$HOME"/ for the remote shell: the line deploy prints works as `python:`.
        #expect(SSHAgentLink.shellQuote(HostDeployer.inventoryPython(avocado: "88.1"))
            == "\"$HOME\"/.cache/qcoord/venv-avocado-88.1/bin/python")
    }

    @Test func requirementsPinAvocadoAndAPkgResourcesSetuptools() {
        let reqs = WheelCache.requirements(avocado: "88.1")
        #expect(reqs.contains("avocado-framework==88.1"))
        #expect(reqs.contains("pip"))
        #expect(reqs.contains("setuptools<81"))
        #expect(WheelCache.setName(avocado: "88.1", python: "3.11") == "avocado-88.1-py3.11")
    }

    /// Runs the helper as deploy does on a host: `python3 -c SCRIPT`, request on stdin.
    private func helper(home: String, _ request: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", DeployHelperScript.source]
        process.environment = ["HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(request.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func helperProbesVenvStates() throws {
        let home = NSTemporaryDirectory() + "qcoord-deploy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let request = #"{"action": "probe", "venv": ".cache/qcoord/venv-avocado-113.0"}"#

        var answer = try helper(home: home, request)
        #expect(answer["venv_state"] as? String == "absent")
        #expect((answer["version"] as? String)?.hasPrefix("3.") == true)
        #expect(answer["home"] as? String == home)

        // A directory without the marker is a half-done install: "partial", redone by deploy.
        let venv = home + "/.cache/qcoord/venv-avocado-113.0"
        try FileManager.default.createDirectory(atPath: venv + "/bin", withIntermediateDirectories: true)
        answer = try helper(home: home, request)
        #expect(answer["venv_state"] as? String == "partial")

        try FileManager.default.createSymbolicLink(atPath: venv + "/bin/python", withDestinationPath: "/usr/bin/env")
        try Data(#"{"avocado": "113.0"}"#.utf8).write(to: URL(fileURLWithPath: venv + "/.qcoord-deployed.json"))
        answer = try helper(home: home, request)
        #expect(answer["venv_state"] as? String == "ready")
        #expect(answer["venv_avocado"] as? String == "113.0")

        // Without a venv asked for, only the interpreter is reported.
        answer = try helper(home: home, #"{"action": "probe"}"#)
        #expect(answer["venv_state"] == nil)
        #expect(answer["error"] == nil)
    }
}
