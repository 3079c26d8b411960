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

    /// Readies each SSH host's store for the job (AssetPush.prepare, every host at once: evicts to
    /// fit, touches what is there, sends nothing) and returns the stager that sends each asset
    /// when a test needs it on a host (nil: no SSH host needs any). Records where each host's
    /// tests find the store (`hostAssetViews`). One line per host whose store could not be readied
    /// (its tests there download their own) or whose cap leaves assets out.
    static func stage(_ request: inout JobRequest, plan: JobPlan, links: [Coordinator.HostLink], held: Held,
                      log: JobLog, console: Console) async -> AssetStager? {
        guard !held.isEmpty else { return nil }
        let inventory = request.hosts?.inventory
        let wanted = needs(request, plan: plan, held: held.mapValues { $0.size })
        let targets = links.compactMap { l in AssetTransports.of(l.link).map { (host: l.link.host, transport: $0) } }
            .filter { !(wanted[$0.host] ?? []).isEmpty }
        guard !targets.isEmpty else { return nil }
        var reports: [AssetPushReport] = []
        await withTaskGroup(of: AssetPushReport.self) { group in
            for target in targets {
                let max = inventory?.host(named: target.host)?.assetCacheMax
                let needed = wanted[target.host] ?? []
                group.addTask { await target.transport.prepare(host: target.host, needed: needed, maxBytes: max) }
            }
            for await report in group { reports.append(report) }
        }
        let order = Dictionary(uniqueKeysWithValues: links.enumerated().map { ($1.link.host, $0) })
        reports.sort { (order[$0.host] ?? 0) < (order[$1.host] ?? 0) }
        for r in reports {
            if let failed = r.failed {
                let line = "host \(r.host): its asset store could not be readied (its tests there download their own): \(failed)"
                log.error(line)
                console.err(line + "\n")
                request.configuration.assetTraffic[r.host] = r.traffic
                continue
            }
            log.info("host \(r.host): assets in \(r.storeDirectory ?? AssetPush.store): \(r.decision.reuse.count) there "
                     + "(\(r.decision.reuseBytes) bytes), up to \(r.decision.push.count) to push when a test needs them "
                     + "(\(r.decision.pushBytes) bytes), evicted \(r.decision.evict.count) files")
            if !r.decision.overCap.isEmpty {
                let line = "host \(r.host): \(r.decision.overCap.count) assets do not fit under its asset_cache_max: "
                    + "their tests there download their own"
                log.warning(line)
                console.err(line + "\n")
            }
            if let view = r.view { request.configuration.hostAssetViews[r.host] = view }
        }
        return AssetStager(prepared: reports, files: held.mapValues { $0.path }, log: log)
    }

    /// After the job: what the stager moved to each host, one line per host in job.log and one
    /// `ASSET PUSH :` line on stderr; the traffic goes into the report (`assetTraffic`).
    static func finish(_ stager: AssetStager, configuration: inout RunConfiguration, hosts: [String], log: JobLog, console: Console) async {
        let traffic = await stager.traffic()
        var parts: [String] = []
        for host in hosts {
            guard let t = traffic[host] else { continue }
            configuration.assetTraffic[host] = t
            log.info("host \(host): assets in \(AssetPush.store): pushed \(t.pushedBytes) bytes in \(t.pushedFiles) files, "
                     + "reused \(t.reusedBytes) bytes in \(t.reusedFiles) files, evicted \(t.evictedFiles) files")
            parts.append(AssetPushPlan.hostSummary(host, pushedFiles: t.pushedFiles, pushedBytes: t.pushedBytes, reusedFiles: t.reusedFiles,
                                                   reusedBytes: t.reusedBytes, evicted: t.evictedFiles, failed: t.failed))
        }
        guard !parts.isEmpty else { return }
        let all = hosts.compactMap { traffic[$0] }
        let line = "ASSET PUSH : pushed \(all.reduce(0) { $0 + $1.pushedBytes }) bytes in \(all.reduce(0) { $0 + $1.pushedFiles }) files ("
            + parts.joined(separator: "; ") + ")"
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
                lines.append("  \(link.host): would push up to \(d.push.count) files, \(d.pushBytes) bytes (as its tests need them); \(d.reuse.count) already there"
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
