import Foundation
import QCoordCore

/// The job's assets, fetched once on the coordinator before any test starts (issue 17,
/// docs/assets.md): what could not be had makes its tests SKIP/CANCEL in the plan; on the local
/// host, FUNCTIONAL tests then read them from the cache instead of downloading.
enum JobAssets {
    /// The assets the coordinator holds for the job: content key → its file in the cache.
    typealias Held = [String: (path: String, size: Int)]

    /// Fetches every fetchable asset of the tests (unless `--no-fetch`) and folds the outcome
    /// into the request's configuration. One line per failure (stderr and job.log).
    /// - Parameter localHost: the local host's name when the job runs there (its FUNCTIONAL
    ///   tests read the cache itself), nil for SSH hosts (`push` follows the plan).
    /// - Returns: what the cache holds for the job.
    @discardableResult
    static func prepare(_ request: inout JobRequest, localHost: String?, log: JobLog, console: Console) async -> Held {
        guard let cacheDir = request.assetCache else { return [:] }
        let plan = AssetFetchPlan.make(request.tests.flatMap { $0.assets ?? [] })
        guard !plan.items.isEmpty else { return [:] }
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
        if let localHost, qemuView(of: cache.directory.path, log: log) != nil {
            request.configuration.hostAssetViews[localHost] = HostAssetView(storeDirectory: cache.directory.path)
        }
        var held: Held = [:]
        for outcome in outcomes where outcome.state != .failed {
            guard let path = outcome.path,
                  let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { continue }
            held[outcome.contentKey] = (path, size)
        }
        return held
    }

    /// The assets each SSH host needs (those of the tests the plan places there, held by the
    /// coordinator), for `host`'s tests.
    static func needs(_ request: JobRequest, plan: JobPlan, held: [String: Int]) -> [String: [AssetPushItem]] {
        let done = request.resume?.completed ?? [:]
        return AssetPushPlan.needs(assets: request.tests.map { $0.assets ?? [] },
                                   hosts: plan.tasks.indices.map { done[$0] == nil ? plan.tasks[$0].placements.map(\.host) : [] },
                                   held: held)
    }

    /// Pushes each SSH host its assets (AssetPush), every host at once; records where each
    /// host's FUNCTIONAL tests find them (`hostAssetViews`). One summary line (job.log, stderr),
    /// one line per host whose push failed (its tests there download their own).
    static func push(_ request: inout JobRequest, plan: JobPlan, links: [Coordinator.HostLink], held: Held,
                     log: JobLog, console: Console) async {
        guard !held.isEmpty, let inventory = request.hosts?.inventory else { return }
        let wanted = needs(request, plan: plan, held: held.mapValues { $0.size })
        let files = held.mapValues { $0.path }
        let targets = links.compactMap { $0.link as? SSHAgentLink }.filter { !(wanted[$0.host] ?? []).isEmpty }
        guard !targets.isEmpty else { return }
        let progress = SyncProgress(console: console, label: "asset push")
        let start = ContinuousClock.now
        var reports: [AssetPushReport] = []
        await withTaskGroup(of: AssetPushReport.self) { group in
            for link in targets {
                let max = inventory.host(named: link.host)?.assetCacheMax
                let needed = wanted[link.host] ?? []
                group.addTask {
                    await AssetPush.push(host: link.host, needed: needed, files: files, session: link.session,
                                         maxBytes: max, progress: progress)
                }
            }
            for await report in group { reports.append(report) }
        }
        progress.finish()
        let order = Dictionary(uniqueKeysWithValues: inventory.hosts.enumerated().map { ($1.name, $0) })
        reports.sort { (order[$0.host] ?? 0) < (order[$1.host] ?? 0) }
        for r in reports {
            log.info("host \(r.host): assets in \(r.storeDirectory ?? AssetPush.store): pushed \(r.pushedBytes) bytes in "
                     + "\(r.pushedFiles) files, reused \(r.decision.reuseBytes) bytes in \(r.decision.reuse.count) files, "
                     + "evicted \(r.decision.evict.count) files (\(r.decision.evict.reduce(0) { $0 + $1.size }) bytes)")
            if !r.decision.overCap.isEmpty {
                let line = "host \(r.host): \(r.decision.overCap.count) assets do not fit under its asset_cache_max: "
                    + "their tests there download their own"
                log.warning(line)
                console.err(line + "\n")
            }
            if let failed = r.failed {
                let line = "host \(r.host): the asset push failed (its tests there download their own): \(failed)"
                log.error(line)
                console.err(line + "\n")
            }
            if let view = r.view { request.configuration.hostAssetViews[r.host] = view }
            request.configuration.assetTraffic[r.host] = r.traffic
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let line = "ASSET PUSH : pushed \(reports.reduce(0) { $0 + $1.pushedBytes }) bytes in "
            + "\(reports.reduce(0) { $0 + $1.pushedFiles }) files (" + reports.map(\.summary).joined(separator: "; ")
            + ") in " + String(format: "%.1f s", seconds)
        log.info(line)
        console.err(line + "\n")
    }

    /// `--dry-run`: what each SSH host would be pushed (asked of its store, nothing sent), from
    /// what the coordinator's cache holds now.
    static func dryRunPushLines(_ request: JobRequest, plan: JobPlan, links: [Coordinator.HostLink]) async -> [String] {
        guard let cacheDir = request.assetCache, let inventory = request.hosts?.inventory else { return [] }
        let cache = AssetCache(directory: URL(fileURLWithPath: cacheDir))
        var held: [String: Int] = [:]
        for item in AssetFetchPlan.make(request.tests.flatMap { $0.assets ?? [] }).items {
            if let size = (try? FileManager.default.attributesOfItem(atPath: cache.dataURL(item).path))?[.size] as? Int {
                held[item.contentKey] = size
            }
        }
        let wanted = needs(request, plan: plan, held: held)
        var lines: [String] = []
        for link in links.compactMap({ $0.link as? SSHAgentLink }) {
            let needed = wanted[link.host] ?? []
            guard !needed.isEmpty else { continue }
            do {
                let d = try await AssetPush.plan(needed, session: link.session, maxBytes: inventory.host(named: link.host)?.assetCacheMax)
                lines.append("  \(link.host): would push \(d.push.count) files, \(d.pushBytes) bytes; \(d.reuse.count) already there"
                             + (d.evict.isEmpty ? "" : "; would evict \(d.evict.count) files")
                             + (d.overCap.isEmpty ? "" : "; \(d.overCap.count) over its asset_cache_max"))
            } catch {
                lines.append("  \(link.host): cannot ask its asset store: \(error)")
            }
        }
        return lines.isEmpty ? [] : ["Asset push (assets already in the coordinator's cache; more once fetched):"] + lines
    }

    /// `--dry-run`: what the job would fetch (nothing is fetched), nil when its tests declare none.
    static func dryRunLine(_ request: JobRequest) -> String? {
        let plan = AssetFetchPlan.make(request.tests.flatMap { $0.assets ?? [] })
        guard !plan.items.isEmpty || !plan.skipped.isEmpty else { return nil }
        guard let cacheDir = request.assetCache else {
            return "Assets: \(plan.items.count) declared; not fetched (--no-fetch): each test downloads its own"
        }
        let cache = AssetCache(directory: URL(fileURLWithPath: cacheDir))
        let missing = plan.items.filter { !FileManager.default.fileExists(atPath: cache.dataURL($0).path) }
        let bytes = missing.compactMap(\.size).reduce(0, +)
        return "Assets: \(plan.items.count) to have, \(plan.items.count - missing.count) already in \(cacheDir), \(missing.count) to fetch"
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
