import Foundation
import QCoordCore
import QCoordSSH

/// What one host's push did.
struct AssetPushReport: Sendable {
    var host: String
    /// `<home>/.cache/qcoord/assets` on the host (nil when the push failed before it was known).
    var storeDirectory: String?
    var decision = AssetPushPlan.Decision()
    var pushedFiles = 0
    var pushedBytes = 0
    /// Why the push failed: the host's tests then download their own.
    var failed: String?

    /// Where the host's tests find what was pushed; nil when the push failed.
    var view: HostAssetView? {
        guard failed == nil, let storeDirectory else { return nil }
        return HostAssetView(storeDirectory: storeDirectory, present: decision.present)
    }

    var traffic: HostAssetTraffic {
        HostAssetTraffic(pushedFiles: pushedFiles, pushedBytes: pushedBytes, reusedFiles: decision.reuse.count,
                         reusedBytes: decision.reuseBytes, evictedFiles: decision.evict.count, failed: failed)
    }

    var summary: String {
        AssetPushPlan.hostSummary(host, pushedFiles: pushedFiles, pushedBytes: pushedBytes, reusedFiles: decision.reuse.count,
                                  reusedBytes: decision.reuseBytes, evicted: decision.evict.count, failed: failed)
    }
}

/// Puts the job's assets on an SSH host, content-addressed, over its session's SFTP: the store
/// `~/.cache/qcoord/assets/<alg>/<hex>` (the coordinator cache's layout) with `qemu/download` a
/// link to `../sha256` (QEMU's). Only what is missing is sent, to a temporary name then renamed;
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

    /// Pushes `needed` (their local files: `files`, content key → path) to the host's store.
    /// Never throws: a failure is in the report.
    static func push(host: String, needed: [AssetPushItem], files: [String: String], session: SSHSession, maxBytes: Int?,
                     progress: SyncProgress? = nil) async -> AssetPushReport {
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
            let total = (files: decision.push.count, bytes: decision.pushBytes)
            progress?.update(host, sent: (0, 0), of: total)
            for item in decision.push {
                guard let source = files[item.contentKey] else {
                    throw AssetCacheError("\(item.contentKey) is not in the coordinator's cache")
                }
                try await sftp.makeDirectories("\(store)/\(item.algorithm.rawValue)", mode: 0o700)
                let (doneFiles, doneBytes) = (report.pushedFiles, report.pushedBytes)
                let sent = try await sftp.uploadAtomically(from: source, to: "\(store)/\(item.storePath)", mode: 0o644) { bytes in
                    progress?.update(host, sent: (doneFiles, doneBytes + bytes), of: total)
                }
                guard sent == item.size else {
                    throw AssetCacheError("\(source) changed while it was pushed (\(sent) bytes, not \(item.size))")
                }
                report.pushedFiles += 1
                report.pushedBytes += sent
                progress?.update(host, sent: (report.pushedFiles, report.pushedBytes), of: total)
            }
            try await sftp.ensureSymlink("\(store)/qemu/download", target: "../sha256")
            report.storeDirectory = "\(home)/\(store)"
        } catch {
            report.failed = "\(error)"
        }
        return report
    }
}
