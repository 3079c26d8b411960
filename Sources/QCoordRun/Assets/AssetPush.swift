import Foundation
import QCoordCore
import QCoordSSH

/// What readying one host's store did (AssetPush.prepare); the transfers are AssetStager's.
struct AssetPushReport: Sendable {
    var host: String
    /// `<home>/.cache/qcoord/assets` on the host (nil when the push failed before it was known).
    var storeDirectory: String?
    var decision = AssetPushPlan.Decision()
    /// Why the push failed: the host's tests then download their own.
    var failed: String?

    /// Where the host's tests find its store, holding what was already there; nil when the store
    /// could not be readied.
    var view: HostAssetView? {
        guard failed == nil, let storeDirectory else { return nil }
        return HostAssetView(storeDirectory: storeDirectory, present: Set(decision.reuse.map(\.contentKey)))
    }

    /// The traffic before any transfer: what was already there, what was evicted (AssetStager
    /// counts the pushes).
    var traffic: HostAssetTraffic {
        HostAssetTraffic(reusedFiles: decision.reuse.count, reusedBytes: decision.reuseBytes,
                         evictedFiles: decision.evict.count, failed: failed)
    }
}

/// Puts the job's assets on an SSH host, content-addressed, over its session's SFTP: the store
/// `~/.cache/qcoord/assets/<alg>/<hex>` (the coordinator cache's layout) with `qemu/download` a
/// link to `../sha256` (QEMU's). Only what is missing is sent (when a test needs it there:
/// AssetStager), to a temporary name then renamed;
/// what the job uses is touched (the store's LRU order for `asset_cache_max`). Decisions:
/// AssetPushPlan (QCoordCore).
enum AssetPush {
    /// Relative to the login directory.
    static let store = ".cache/qcoord/assets"

    /// The store's files (`<alg>/<hex>` and leftovers of cut transfers), none when it is new.
    static func listStore(_ sftp: SFTPClient) async throws -> [AssetStoreEntry] {
        var entries: [AssetStoreEntry] = []
        for algorithm in AssetRef.Algorithm.allCases {
            let dir = "\(store)/\(algorithm.rawValue)"
            guard try await sftp.stat(dir)?.isDirectory == true else { continue }
            for file in try await sftp.listFiles(dir) where AssetStoreEntry.belongs(file.name, algorithm: algorithm) {
                entries.append(AssetStoreEntry(path: "\(algorithm.rawValue)/\(file.name)", size: Int(file.size), mtime: file.mtime))
            }
        }
        return entries
    }

    /// `--dry-run`: what the host would be sent, asked of its store without changing it.
    static func plan(_ needed: [AssetPushItem], session: SSHSession, maxBytes: Int?) async throws -> AssetPushPlan.Decision {
        let sftp = try await session.sftp()
        return AssetPushPlan.decide(needed: needed, store: try await listStore(sftp), maxBytes: maxBytes)
    }

    /// Readies the host's store for the job, sending nothing: lists it, evicts what must go for
    /// `needed` to fit under `maxBytes`, touches what is already there (the LRU order), makes the
    /// directories and QEMU's view. The transfers come later, each when a test needs it there
    /// (AssetStager). Never throws: a failure is in the report.
    static func prepare(host: String, needed: [AssetPushItem], session: SSHSession, maxBytes: Int?) async -> AssetPushReport {
        var report = AssetPushReport(host: host)
        do {
            let sftp = try await session.sftp()
            let home = try await sftp.canonicalPath(".")
            try await sftp.makeDirectories("\(store)/sha256", mode: 0o700)
            try await sftp.makeDirectories("\(store)/qemu", mode: 0o700)
            let decision = AssetPushPlan.decide(needed: needed, store: try await listStore(sftp), maxBytes: maxBytes)
            report.decision = decision
            for entry in decision.evict { try await sftp.remove("\(store)/\(entry.path)") }
            let now = Int(Date().timeIntervalSince1970)
            for item in decision.reuse { try await sftp.setTimes("\(store)/\(item.storePath)", seconds: now) }
            for algorithm in Set(decision.push.map(\.algorithm)) {
                try await sftp.makeDirectories("\(store)/\(algorithm.rawValue)", mode: 0o700)
            }
            try await sftp.ensureSymlink("\(store)/qemu/download", target: "../sha256")
            report.storeDirectory = "\(home)/\(store)"
        } catch {
            report.failed = "\(error)"
        }
        return report
    }

    /// Sends one asset (its local file `source`) to the host's store, to a temporary name then
    /// renamed. Returns the bytes sent.
    static func send(_ item: AssetPushItem, from source: String, storeDirectory: String, sftp: SFTPClient) async throws -> Int {
        let sent = try await sftp.uploadAtomically(from: source, to: "\(storeDirectory)/\(item.storePath)", mode: 0o644)
        guard sent == item.size else {
            throw AssetCacheError("\(source) changed while it was pushed (\(sent) bytes, not \(item.size))")
        }
        return sent
    }
}
