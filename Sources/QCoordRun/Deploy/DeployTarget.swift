import Foundation
import QCoordSSH

/// A command's outcome on a deploy target.
struct DeployExecResult: Sendable {
    var exitStatus: Int32
    var stdoutText: String
    var stderrText: String
}

/// Where `qcoord deploy` does its steps: a host over SSH, or this machine (`--local`). The
/// steps themselves (HostDeployer.prepare) are the same.
protocol DeployTarget: Sendable {
    var name: String { get }
    /// Runs a shell command in the login directory, `stdin` fed to it.
    func exec(_ command: String, stdin: [UInt8], timeout: Duration) async throws -> DeployExecResult
    /// Makes the wheel set available to the deploy helper: the directory it installs from
    /// (relative to the login directory, or absolute) and how many files were copied (nil: none needed).
    func stage(_ set: WheelCache.WheelSet) async throws -> (directory: String, shipped: Int?)
    /// Caches the agent; whether that changed anything, and a line saying where.
    func cacheAgent() async throws -> (changed: Bool, detail: String)
}

struct SSHDeployTarget: DeployTarget {
    var name: String
    var session: SSHSession

    func exec(_ command: String, stdin: [UInt8], timeout: Duration) async throws -> DeployExecResult {
        let r = try await session.exec(command, stdin: stdin, timeout: timeout)
        return DeployExecResult(exitStatus: r.exitStatus, stdoutText: r.stdoutText, stderrText: r.stderrText)
    }

    func stage(_ set: WheelCache.WheelSet) async throws -> (directory: String, shipped: Int?) {
        let remote = ".cache/qcoord/wheels/" + (set.directory as NSString).lastPathComponent
        let sftp = try await session.sftp()
        try await sftp.makeDirectories(remote, mode: 0o700)
        var shipped = 0
        for file in set.files {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: set.directory + "/" + file)))
            if try await sftp.stat(remote + "/" + file)?.size == UInt64(bytes.count) { continue }
            try await sftp.writeAtomically(remote + "/" + file, bytes, mode: 0o600)
            shipped += 1
        }
        return (remote, shipped)
    }

    func cacheAgent() async throws -> (changed: Bool, detail: String) {
        let uploaded = try await SSHAgentLink.uploadAgentIfNeeded(try await session.sftp())
        return (uploaded, uploaded ? "cached as ~/\(SSHAgentLink.remoteAgentPath())" : "already cached")
    }
}

/// This machine: commands run with /bin/sh in $HOME, the wheels are used where the wheel
/// cache keeps them, the agent is the copy a local run uses.
struct LocalDeployTarget: DeployTarget {
    var name = "local"

    func exec(_ command: String, stdin: [UInt8], timeout: Duration) async throws -> DeployExecResult {
        try await Task.detached { try Self.run(command, stdin: stdin, timeout: timeout) }.value
    }

    private static func run(_ command: String, stdin: [UInt8], timeout: Duration) throws -> DeployExecResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
        try? input.fileHandleForWriting.close()
        let (seconds, atto) = timeout.components
        let deadline = Date().addingTimeInterval(Double(seconds) + Double(atto) / 1e18)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return DeployExecResult(exitStatus: process.terminationReason == .exit ? process.terminationStatus : -1,
                                stdoutText: String(decoding: out, as: UTF8.self), stderrText: String(decoding: err, as: UTF8.self))
    }

    func stage(_ set: WheelCache.WheelSet) async throws -> (directory: String, shipped: Int?) { (set.directory, nil) }

    func cacheAgent() async throws -> (changed: Bool, detail: String) {
        (false, "the local copy is \(try AgentCache.materialize())")
    }
}
