/// Assets pushed to SSH hosts (docs/assets.md, "Pushing to SSH hosts"): what each host needs,
/// and, against what its store holds, what to send, keep and evict. Pure; the I/O is
/// QCoordRun's AssetPush.
///
/// A host's store has the coordinator cache's layout (`AssetCacheLayout`): `<alg>/<hex>`, under
/// `~/.cache/qcoord/assets`, with `qemu/download` a link to `../sha256` (QEMU's own layout).

/// One asset a host needs: held by the coordinator, `size` bytes.
public struct AssetPushItem: Sendable, Hashable {
    public var algorithm: AssetRef.Algorithm
    /// Lowercase hex.
    public var hash: String
    public var size: Int

    public init(algorithm: AssetRef.Algorithm, hash: String, size: Int) {
        self.algorithm = algorithm
        self.hash = hash.lowercased()
        self.size = size
    }

    /// `sha256:<hex>`, as `AssetRef.contentKey`.
    public var contentKey: String { "\(algorithm.rawValue):\(hash)" }
    /// `sha256/<hex>`, relative to the store.
    public var storePath: String { "\(algorithm.rawValue)/\(hash)" }
}

/// A file in a host's store, as listed there.
public struct AssetStoreEntry: Sendable, Hashable {
    /// `sha256/<hex>` (or a temporary `sha256/.<hex>.tmp-…` a cut transfer left behind).
    public var path: String
    public var size: Int
    /// Seconds since the epoch: when a job last used it (it is touched then).
    public var mtime: Int

    public init(path: String, size: Int, mtime: Int) {
        self.path = path
        self.size = size
        self.mtime = mtime
    }

    /// Which files of a store listing of `<alg>/` are the store's: digests of that algorithm,
    /// and leftovers of cut transfers (`.<hex>.tmp-…`); nothing else is counted or removed.
    public static func belongs(_ name: String, algorithm: AssetRef.Algorithm) -> Bool {
        if AssetCacheLayout.isDigest(name, algorithm) { return true }
        guard name.hasPrefix("."), let dot = name.dropFirst().firstIndex(of: ".") else { return false }
        let hex = String(name.dropFirst()[..<dot])
        return AssetCacheLayout.isDigest(hex, algorithm) && name[dot...].hasPrefix(".tmp-")
    }
}

public enum AssetPushPlan {
    /// The assets each host needs: those of the tests placed on it (any of their placements)
    /// that the coordinator holds (`held`: content key → bytes), each once, in first-seen order.
    /// - Parameters:
    ///   - assets: per test, its declared assets.
    ///   - hosts: per test, the hosts it may run on (the plan's placements; none for a test that
    ///     will not run).
    public static func needs(assets: [[AssetRef]], hosts: [[String]], held: [String: Int]) -> [String: [AssetPushItem]] {
        var needs: [String: [AssetPushItem]] = [:]
        var seen: [String: Set<String>] = [:]
        for (index, refs) in assets.enumerated() where index < hosts.count && !hosts[index].isEmpty {
            let items: [AssetPushItem] = refs.compactMap { ref in
                guard let item = try? AssetFetchPlan.item(for: ref).get(), let size = held[item.contentKey] else { return nil }
                return AssetPushItem(algorithm: item.algorithm, hash: item.hash, size: size)
            }
            for host in hosts[index] {
                for item in items where seen[host, default: []].insert(item.contentKey).inserted {
                    needs[host, default: []].append(item)
                }
            }
        }
        return needs
    }

    /// What to do with one host's store.
    public struct Decision: Sendable, Equatable {
        /// Missing (or there with another size): sent, in order.
        public var push: [AssetPushItem] = []
        /// Already there: touched (used now), not sent.
        public var reuse: [AssetPushItem] = []
        /// Removed first: least recently used files the job does not need, and files named like
        /// a needed asset but of another size.
        public var evict: [AssetStoreEntry] = []
        /// Needed but missing, and they do not fit under the cap even with every other file
        /// evicted: not sent (their tests there download their own).
        public var overCap: [AssetPushItem] = []

        public init(push: [AssetPushItem] = [], reuse: [AssetPushItem] = [], evict: [AssetStoreEntry] = [],
                    overCap: [AssetPushItem] = []) {
            self.push = push
            self.reuse = reuse
            self.evict = evict
            self.overCap = overCap
        }

        public var pushBytes: Int { push.reduce(0) { $0 + $1.size } }
        public var reuseBytes: Int { reuse.reduce(0) { $0 + $1.size } }
        /// Content keys the host holds once the push succeeded.
        public var present: Set<String> { Set((push + reuse).map(\.contentKey)) }
    }

    /// Decides a host's push: `needed` against `store`, under `maxBytes` (`asset_cache_max`;
    /// nil: no cap). Never evicts a file the job needs; evicts the least recently used others
    /// (oldest mtime first) only as far as the job's missing assets need room. Missing assets
    /// are taken in order while they fit beside the needed ones already there.
    public static func decide(needed: [AssetPushItem], store: [AssetStoreEntry], maxBytes: Int?) -> Decision {
        var decision = Decision()
        let byPath = Dictionary(store.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var keep = Set<String>()
        var missing: [AssetPushItem] = []
        var seen = Set<String>()
        for item in needed where seen.insert(item.contentKey).inserted {
            if let entry = byPath[item.storePath], entry.size == item.size {
                decision.reuse.append(item)
                keep.insert(entry.path)
            } else {
                if let wrong = byPath[item.storePath] { decision.evict.append(wrong) }
                missing.append(item)
            }
        }
        guard let maxBytes else {
            decision.push = missing
            return decision
        }
        var room = maxBytes - decision.reuseBytes
        for item in missing {
            if item.size <= room {
                decision.push.append(item)
                room -= item.size
            } else {
                decision.overCap.append(item)
            }
        }
        let wrong = Set(decision.evict.map(\.path))
        var used = store.filter { !wrong.contains($0.path) }.reduce(0) { $0 + $1.size } + decision.pushBytes
        let candidates = store.filter { !keep.contains($0.path) && !wrong.contains($0.path) }
            .sorted { ($0.mtime, $0.path) < ($1.mtime, $1.path) }
        for entry in candidates where used > maxBytes {
            decision.evict.append(entry)
            used -= entry.size
        }
        return decision
    }

    /// One host's part of the summary line: `h1 2 files 3.0 MiB pushed, 1 reused`.
    public static func hostSummary(_ host: String, pushedFiles: Int, pushedBytes: Int, reusedFiles: Int, reusedBytes: Int,
                                   evicted: Int = 0, failed: String? = nil) -> String {
        var text = "\(host) \(pushedFiles) file\(pushedFiles == 1 ? "" : "s") \(ByteSize.format(pushedBytes)) pushed, "
            + "\(reusedFiles) (\(ByteSize.format(reusedBytes))) reused"
        if evicted > 0 { text += ", \(evicted) evicted" }
        if let failed { text += ", FAILED: \(failed)" }
        return text
    }
}

/// Where the tests on one host find the assets the coordinator provided: its store
/// (`<alg>/<hex>`), QEMU's view of it (`qemu/download` → `../sha256`) for FUNCTIONAL tests, and
/// for Avocado tests the files the agent links into an Avocado cache of the task's own.
public struct HostAssetView: Sendable, Equatable {
    /// The store's directory on that host (absolute): `<alg>/<hex>` below it.
    public var storeDirectory: String
    /// Content keys there; nil: every asset the coordinator could fetch (its own cache).
    public var present: Set<String>?

    public init(storeDirectory: String, present: Set<String>? = nil) {
        self.storeDirectory = storeDirectory
        self.present = present
    }

    /// A directory whose `download/` holds the assets by sha256: QEMU's cache layout.
    public var qemuCacheDir: String { storeDirectory + "/qemu" }

    /// Whether the host holds `key` (a content key).
    public func holds(_ key: String) -> Bool { present?.contains(key) ?? true }
}
