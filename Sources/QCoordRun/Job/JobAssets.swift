import Foundation
import QCoordCore

/// The job's assets, fetched once on the coordinator before any test starts (issue 17,
/// docs/assets.md): what could not be had makes its tests SKIP/CANCEL in the plan; on the local
/// host, FUNCTIONAL tests then read them from the cache instead of downloading.
enum JobAssets {
    /// Fetches every fetchable asset of the tests (unless `--no-fetch`) and folds the outcome
    /// into the request's configuration. One line per failure (stderr and job.log).
    static func prepare(_ request: inout JobRequest, local: Bool, log: JobLog, console: Console) async {
        guard let cacheDir = request.assetCache else { return }
        let plan = AssetFetchPlan.make(request.tests.flatMap { $0.assets ?? [] })
        guard !plan.items.isEmpty else { return }
        let cache = AssetCache(directory: URL(fileURLWithPath: cacheDir))
        let fetcher = AssetFetcher(cache: cache, concurrency: request.assetConcurrency, console: console)
        let start = ContinuousClock.now
        let outcomes = await fetcher.fetch(plan.items)
        let elapsed = ContinuousClock.now - start
        var unavailable: [String: String] = [:]
        for outcome in outcomes where outcome.state == .failed {
            unavailable[outcome.contentKey] = outcome.error ?? "the fetch failed"
            log.error("asset \(outcome.url): \(outcome.error ?? "the fetch failed")")
        }
        let summary = AssetFetchReport.summary(outcomes, skipped: plan.skipped.count,
                                               seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        log.info("assets (\(cacheDir)): \(summary)")
        console.err("ASSETS     : \(summary)\n")
        request.configuration.unavailableAssets = unavailable
        if local {
            request.configuration.localQEMUAssetCache = qemuView(of: cache.directory.path, log: log)
        }
    }

    /// `--dry-run`: what the job would fetch (nothing is fetched), nil when its tests declare none.
    static func dryRunLine(_ request: JobRequest) -> String? {
        let plan = AssetFetchPlan.make(request.tests.flatMap { $0.assets ?? [] })
        guard !plan.items.isEmpty || !plan.skipped.isEmpty else { return nil }
        guard let cacheDir = request.assetCache else {
            return "Assets: \(plan.items.count) declared; not fetched (--no-fetch): each test downloads its own"
        }
        let cache = AssetCache(directory: URL(fileURLWithPath: cacheDir))
        let cached = plan.items.filter { FileManager.default.fileExists(atPath: cache.dataURL($0).path) }
        let bytes = plan.items.filter { !FileManager.default.fileExists(atPath: cache.dataURL($0).path) }.compactMap(\.size).reduce(0, +)
        return "Assets: \(plan.items.count) to have, \(cached.count) already in \(cacheDir), \(plan.items.count - cached.count) to fetch"
            + (bytes > 0 ? " (at least \(bytes) bytes)" : "")
            + (plan.skipped.isEmpty ? "" : "; \(plan.skipped.count) not fetchable (unknown URL or hash: those tests download their own)")
    }

    /// `<cache>/qemu`, whose `download` is a link to `<cache>/sha256`: QEMU's cache layout over ours.
    static func qemuView(of cacheDir: String, log: JobLog) -> String? {
        let view = cacheDir + "/qemu"
        let link = view + "/download"
        do {
            try FileManager.default.createDirectory(atPath: cacheDir + "/sha256", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: view, withIntermediateDirectories: true)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != "../sha256" {
                try? FileManager.default.removeItem(atPath: link)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../sha256")
            }
            return view
        } catch {
            log.error("asset cache \(cacheDir): cannot make QEMU's view of it: \(error)")
            return nil
        }
    }
}
