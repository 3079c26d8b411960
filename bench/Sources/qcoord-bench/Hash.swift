import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordRun

/// `make bench-hash`: how fast tree sync names a test tree by content. The manifest
/// (`TreeManifest.scan`: walk, read, SHA-256 of every file) and hashing alone (the same files
/// already in memory), best of `repeats` after a warm-up run that fills the page cache.
/// MB/s of CPU time (the machine is shared: wall time would measure the other processes too)
/// and of wall time.
struct HashBench {
    var tree: String
    var repeats = 3

    func run() throws {
        var manifest = try TreeManifest.scan(root: tree)  // warm-up: the page cache
        let megabytes = Double(manifest.totalBytes) / 1e6
        var manifestTimes: [(cpu: Double, wall: Double)] = []
        for _ in 0..<max(1, repeats) {
            let start = Self.now()
            manifest = try TreeManifest.scan(root: tree)
            manifestTimes.append(Self.since(start))
        }
        let contents = try manifest.entries.map { entry in
            guard let data = FileManager.default.contents(atPath: tree + "/" + entry.path) else {
                throw BenchFailure(message: "cannot read \(tree)/\(entry.path)")
            }
            return data
        }
        var hashTimes: [(cpu: Double, wall: Double)] = []
        var digests: [String] = []
        for _ in 0..<max(1, repeats) {
            let start = Self.now()
            digests = contents.map { Self.digest($0) }
            hashTimes.append(Self.since(start))
        }
        guard digests == manifest.entries.map(\.digest) else { throw BenchFailure(message: "hashing alone disagrees with the manifest") }
        print("bench-hash: \(manifest.entries.count) files, \(String(format: "%.1f", megabytes)) MB in \(tree); tree id \(manifest.treeID.prefix(16))…")
        for (label, times) in [("manifest (read + hash)", manifestTimes), ("hashing alone", hashTimes)] {
            let cpu = times.map(\.cpu).min()!, wall = times.map(\.wall).min()!
            print("  " + label.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: ": %7.1f MB/s CPU (%.3f s)   %7.1f MB/s wall (%.3f s)", megabytes / cpu, cpu, megabytes / wall, wall))
        }
    }

    /// The digest tree sync gives a file's bytes.
    static func digest(_ data: Data) -> String { ContentDigest.hex(data) }

    static func now() -> (cpu: Double, wall: Double) {
        var cpu = timespec(), wall = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
        clock_gettime(CLOCK_MONOTONIC, &wall)
        return (Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9, Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9)
    }

    static func since(_ start: (cpu: Double, wall: Double)) -> (cpu: Double, wall: Double) {
        let end = now()
        return (end.cpu - start.cpu, end.wall - start.wall)
    }
}
