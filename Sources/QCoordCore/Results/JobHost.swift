/// A host that took part in a job, as the report shows it (even when it ran nothing:
/// an idle host is what the timeline must make visible).
public struct JobHost: Sendable, Hashable, Codable {
    public var name: String
    public var arch: String
    public var slots: Int
    /// What the job's asset push did on this host; nil: nothing was pushed there (the local
    /// host reads the coordinator's cache, or the job had no assets).
    public var assets: HostAssetTraffic?

    public init(name: String, arch: String, slots: Int, assets: HostAssetTraffic? = nil) {
        self.name = name
        self.arch = arch
        self.slots = slots
        self.assets = assets
    }
}

/// One host's asset traffic in a job (results.json `asset_push`, the HTML's "Assets" table).
public struct HostAssetTraffic: Sendable, Hashable, Codable {
    public var pushedFiles: Int
    public var pushedBytes: Int
    /// Already on the host from an earlier job: not sent.
    public var reusedFiles: Int
    public var reusedBytes: Int
    /// Removed to stay under the host's `asset_cache_max`.
    public var evictedFiles: Int
    /// Why the push failed (the host's tests then downloaded their own); nil when it did not.
    public var failed: String?

    public init(pushedFiles: Int = 0, pushedBytes: Int = 0, reusedFiles: Int = 0, reusedBytes: Int = 0,
                evictedFiles: Int = 0, failed: String? = nil) {
        self.pushedFiles = pushedFiles
        self.pushedBytes = pushedBytes
        self.reusedFiles = reusedFiles
        self.reusedBytes = reusedBytes
        self.evictedFiles = evictedFiles
        self.failed = failed
    }
}
