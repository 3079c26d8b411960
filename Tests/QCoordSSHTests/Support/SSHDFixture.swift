import Foundation
import QCoordSSH
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenSSH server on a free loopback port, with its own host key, authorized_keys,
/// client key pair and client HOME; stopped by PID.
final class SSHDFixture {
    let directory: String
    let port: Int
    let home: String
    let clientKey: String
    let hostKeyPublic: String
    let knownHosts: String
    private let pid: pid_t
    private var stopped = false

    /// Starts sshd; `knownHostsTrusted` writes the host key into `knownHosts` up front.
    init(knownHostsTrusted: Bool = true) throws {
        directory = try Self.makeTemporaryDirectory()
        home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        knownHosts = home + "/.ssh/known_hosts"
        clientKey = directory + "/client_ed25519"
        let hostKey = directory + "/host_ed25519"
        hostKeyPublic = hostKey + ".pub"
        try Self.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qcoord-test-host", "-f", hostKey])
        try Self.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qcoord-test-client", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory + "/authorized_keys")
        port = try Self.freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(hostKey)
            AuthorizedKeysFile \(directory)/authorized_keys
            PidFile \(directory)/sshd.pid
            StrictModes no
            UsePAM no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            MaxSessions 30
            Subsystem sftp internal-sftp
            LogLevel ERROR

            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        pid = try Spawn.start(["/usr/sbin/sshd", "-f", directory + "/sshd_config", "-D", "-e"], output: directory + "/sshd.log")
        if knownHostsTrusted { try trustHostKey() }
        try waitForPort()
    }

    /// Writes this server's key into the client's known_hosts.
    func trustHostKey() throws {
        let key = try String(contentsOfFile: hostKeyPublic, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(port) \(key)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
    }

    /// "SHA256:…" of the server's host key, as ssh-keygen prints it.
    func hostKeyFingerprint() throws -> String {
        let out = try Self.run(["ssh-keygen", "-l", "-E", "sha256", "-f", hostKeyPublic])
        return String(out.split(separator: " ")[1])
    }

    func options(identity: Bool = true, acceptNew: Bool = false) -> SSHConnectOptions {
        SSHConnectOptions(
            host: "127.0.0.1", name: "testhost", port: port, user: "root",
            identityFiles: identity ? [clientKey] : [], knownHostsFile: knownHosts,
            acceptNewHostKeys: acceptNew, configFile: .none, useAgent: false,
            homeDirectory: home, connectTimeout: .seconds(5), ioTimeout: .seconds(10))
    }

    var log: String { (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? "" }

    /// SIGKILLs the server's per-connection children (found by parent PID); returns how many.
    @discardableResult
    func killConnections() -> Int {
        let parent = pid
        var killed = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == parent {
                kill(pid, SIGKILL)
                killed += 1
            }
        }
        return killed
    }

    func stop() {
        if !stopped {
            stopped = true
            Spawn.stop(pid)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitForPort() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(port: port) { return }
            if !Spawn.isRunning(pid) { break }
            usleep(20_000)
        }
        let log = self.log
        stop()
        throw FixtureError("sshd did not start on port \(port): \(log)")
    }

    // MARK: shared helpers

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func makeTemporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "qcoord-ssh-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Spawn.run(arguments, environment: environment)
    }

    /// A port nothing listens on right now (bound to 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FixtureError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// An ssh-agent in the foreground (-D), holding the given keys; stopped by PID.
final class SSHAgentFixture {
    let socket: String
    private let pid: pid_t
    private var stopped = false

    init(directory: String, keys: [String]) throws {
        socket = directory + "/agent.sock"
        pid = try Spawn.start(["/usr/bin/ssh-agent", "-D", "-a", socket])
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: socket) && Date() < deadline { usleep(10_000) }
        for key in keys { try SSHDFixture.run(["ssh-add", "-q", key], environment: ["SSH_AUTH_SOCK": socket]) }
    }

    func stop() {
        if !stopped {
            stopped = true
            Spawn.stop(pid)
        }
    }
}
