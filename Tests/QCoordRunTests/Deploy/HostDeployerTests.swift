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

    // MARK: pycotap for QEMU's tests/functional (~/.cache/qcoord/pylib)

    @Test func pycotapSetAndPylibPath() {
        #expect(WheelCache.pycotapVersion == "1.3.1")
        #expect(WheelCache.pycotapSetName == "pycotap-1.3.1")
        #expect(HostDeployer.pylibPath == ".cache/qcoord/pylib")
    }

    /// `pip download` by a stand-in pip (offline): the arguments, and the set cached afterwards.
    @Test func wheelCacheDownloadsPycotapAlone() async throws {
        let dir = NSTemporaryDirectory() + "qcoord-wheels-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pip = dir + "/fake-python"
        try Data("""
            #!/bin/sh
            echo "$@" >> "\(dir)/args"
            while [ "$1" != "--dest" ]; do shift; done
            touch "$2/pycotap-1.3.1-py3-none-any.whl"

            """.utf8).write(to: URL(fileURLWithPath: pip))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pip)
        let cache = WheelCache(directory: dir + "/cache", pipPython: pip)
        let set = try await cache.pycotap().get()
        #expect(set.directory == dir + "/cache/pycotap-1.3.1")
        #expect(set.files == ["pycotap-1.3.1-py3-none-any.whl"])
        #expect(set.downloaded)
        let args = try String(contentsOfFile: dir + "/args", encoding: .utf8)
        #expect(args == "-m pip download --disable-pip-version-check --quiet --only-binary=:all: --no-deps --dest \(dir)/cache/pycotap-1.3.1 pycotap==1.3.1\n")
        let again = try await WheelCache(directory: dir + "/cache", pipPython: pip).pycotap().get()
        #expect(!again.downloaded)
        #expect(try String(contentsOfFile: dir + "/args", encoding: .utf8) == args)  // no second download
    }

    /// The requests deploy encodes, run by the helper: probe, install-pylib from a wheel, probe again.
    @Test func helperInstallsPycotapIntoThePylib() throws {
        let home = NSTemporaryDirectory() + "qcoord-deploy-\(UUID().uuidString)"
        let wheels = home + "/.cache/qcoord/wheels/pycotap-1.3.1"
        let src = home + "/src"
        try FileManager.default.createDirectory(atPath: wheels, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: src + "/pycotap", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: src + "/pycotap-1.3.1.dist-info", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Data("class TAPTestRunner: pass\n".utf8).write(to: URL(fileURLWithPath: src + "/pycotap/__init__.py"))
        try Data("Metadata-Version: 2.1\nName: pycotap\nVersion: 1.3.1\n".utf8)
            .write(to: URL(fileURLWithPath: src + "/pycotap-1.3.1.dist-info/METADATA"))
        try Data("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n".utf8)
            .write(to: URL(fileURLWithPath: src + "/pycotap-1.3.1.dist-info/WHEEL"))
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zip.arguments = ["python3", "-m", "zipfile", "-c", wheels + "/pycotap-1.3.1-py3-none-any.whl", "pycotap", "pycotap-1.3.1.dist-info"]
        zip.currentDirectoryURL = URL(fileURLWithPath: src)
        try zip.run()
        zip.waitUntilExit()
        #expect(zip.terminationStatus == 0)

        func request(_ r: HostDeployer.HelperRequest) throws -> String { String(decoding: try JSONEncoder().encode(r), as: UTF8.self) }
        var answer = try helper(home: home, try request(.init(pylib: HostDeployer.pylibPath)))
        #expect(answer["pylib_state"] as? String == "absent")
        answer = try helper(home: home, try request(.init(action: "install-pylib", pylib: HostDeployer.pylibPath,
                                                          pylibWheels: ".cache/qcoord/wheels/pycotap-1.3.1")))
        #expect(answer["error"] == nil)
        #expect(answer["pylib_state"] as? String == "ready")
        #expect(answer["pylib_pycotap"] as? String == "1.3.1")
        #expect(FileManager.default.fileExists(atPath: home + "/.cache/qcoord/pylib/pycotap/__init__.py"))
        let decoded = try JSONDecoder().decode(HostDeployer.HelperAnswer.self, from: JSONSerialization.data(withJSONObject: answer))
        #expect(decoded.pylibState == "ready" && decoded.pylibPycotap == "1.3.1")
    }
}
