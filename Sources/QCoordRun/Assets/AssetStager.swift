import Foundation
import QCoordCore
import QCoordSSH

/// Puts a test's assets on its SSH host when the job book sends it there, and the next test's
/// ahead while the host is busy (`BookDecision.prefetch`): an asset crosses to a host only when
/// a test there needs it, and once (one transfer per asset and host, however many tests ask).
/// The hosts' stores were readied at the job's start (AssetPush.prepare: listed, evicted to fit
/// under `asset_cache_max`, what was there touched); here are only the transfers, one at a time
/// per host, over the host's current link (SFTP on its SSH session, or a Slurm job step: AssetTransport;
/// a host that came back has a new one).
///
/// A transfer that fails is tried once more when a test asks for it again (the host may have been
/// lost and come back: the next try goes over its new session); after a second failure the tests
/// that need the asset there run without the store's environment and download their own (one
/// error line in job.log each time).
public actor AssetStager {
    struct Host {
        var storeDirectory: String
        /// content key → what may be sent (the start's decision: missing and within the cap).
        var sendable: [String: AssetPushItem]
        /// In the store now (there at the start, or sent since).
        var present: Set<String>
        var inFlight: [String: Task<Bool, Never>] = [:]
        /// The host's last transfer: the next one starts after it.
        var tail: Task<Void, Never>?
        /// content key → failed transfers.
        var failures: [String: Int] = [:]
        var traffic: HostAssetTraffic
    }

    private var hosts: [String: Host] = [:]
    /// content key → its verified file in the coordinator's cache.
    private let files: [String: String]
    private let log: JobLog

    init(prepared: [AssetPushReport], files: [String: String], log: JobLog) {
        self.files = files
        self.log = log
        for report in prepared {
            guard let view = report.view else { continue }
            hosts[report.host] = Host(storeDirectory: view.storeDirectory,
                                      sendable: Dictionary(report.decision.push.map { ($0.contentKey, $0) }, uniquingKeysWith: { a, _ in a }),
                                      present: view.present ?? [], traffic: report.traffic)
        }
    }

    /// host → where its tests find its store and what it holds now.
    func views() -> [String: HostAssetView] {
        hosts.mapValues { HostAssetView(storeDirectory: $0.storeDirectory, present: $0.present) }
    }

    /// Of `keys`, those the host lacks that can be sent there (held by the coordinator, within the cap).
    private func missing(_ keys: [String], on host: String) -> [String] {
        guard let h = hosts[host] else { return [] }
        return keys.filter { !h.present.contains($0) && h.sendable[$0] != nil }
    }

    /// Sends the host what it lacks of `keys` (joining a transfer already under way); returns
    /// when each is there or failed, with the keys the host holds now. `why` names the test, for job.log.
    func ensure(_ keys: [String], on host: String, transport: any AssetTransport, why: String) async -> [String] {
        var waits: [(key: String, task: Task<Bool, Never>)] = []
        for key in missing(keys, on: host) {
            if let running = hosts[host]?.inFlight[key] {
                waits.append((key, running))
                continue
            }
            guard var h = hosts[host], let item = h.sendable[key], let source = files[key] else { continue }
            let previous = h.tail
            let (store, log) = (h.storeDirectory, log)
            let task = Task { () -> Bool in
                await previous?.value
                let start = ContinuousClock.now
                do {
                    _ = try await transport.send(item, from: source, storeDirectory: store)
                    let elapsed = ContinuousClock.now - start
                    log.info("host \(host): asset \(key) pushed (\(item.size) bytes, "
                             + String(format: "%.2f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                             + ") for \(why)")
                    return true
                } catch {
                    log.error("host \(host): asset \(key) could not be pushed (its tests there download their own): \(error)")
                    return false
                }
            }
            h.inFlight[key] = task
            h.tail = Task { _ = await task.value }
            hosts[host] = h
            waits.append((key, task))
        }
        for (key, task) in waits {
            let sent = await task.value
            guard var h = hosts[host], h.inFlight[key] == task else { continue }
            h.inFlight[key] = nil
            if sent, let item = h.sendable.removeValue(forKey: key) {
                h.present.insert(key)
                h.traffic.pushedFiles += 1
                h.traffic.pushedBytes += item.size
            } else if !sent {
                h.failures[key, default: 0] += 1
                if h.failures[key, default: 0] >= 2 {
                    h.sendable[key] = nil
                    if h.traffic.failed == nil { h.traffic.failed = "asset \(key) could not be pushed (see job.log)" }
                }
            }
            hosts[host] = h
        }
        guard let h = hosts[host] else { return [] }
        return keys.filter { h.present.contains($0) }
    }

    /// What the job moved to each host.
    func traffic() -> [String: HostAssetTraffic] { hosts.mapValues(\.traffic) }

}
