import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the embedded agent to a private cache file named by its content hash, so a
/// re-run reuses it and two qcoord versions never share one.
enum AgentCache {
    static func materialize(source: String = AgentBundle.source) throws -> String {
        let home = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
            ?? ((ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
        let dir = home + "/qcoord/agents"
        for d in [home, home + "/qcoord", dir] where mkdir(d, 0o700) != 0 && errno != EEXIST {
            throw RunError.agentStart(host: "local", reason: "cannot create \(d): \(String(cString: strerror(errno)))")
        }
        let path = dir + "/qcoord_agent-\(fnv1a(source)).py"
        if FileManager.default.fileExists(atPath: path) { return path }
        let tmp = path + ".\(getpid()).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RunError.agentStart(host: "local", reason: "cannot write \(tmp): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(source.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard n == bytes.count, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw RunError.agentStart(host: "local", reason: "cannot write \(path)")
        }
        return path
    }

    /// FNV-1a, 64 bits, hex: a cache key, not a security check (the file is private to the user).
    static func fnv1a(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
