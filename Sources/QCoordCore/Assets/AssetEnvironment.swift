/// The environment a FUNCTIONAL test gets when the coordinator holds all of its assets where it
/// runs (docs/assets.md): QEMU's `Asset` then finds them in `QEMU_TEST_CACHE_DIR/download/<sha256>`
/// and, with `QEMU_TEST_NO_DOWNLOAD=1`, never downloads on its own. Pure.
public enum AssetEnvironment {
    /// - Parameters:
    ///   - qemuCacheDir: a directory whose `download/` holds the assets by sha256 (the coordinator's
    ///     cache on the local host: `<cache>/qemu`, its `download` a link to `<cache>/sha256`).
    ///   - unavailable: content keys (or URLs) whose fetch failed.
    /// - Returns: empty when the test is not FUNCTIONAL, has no assets, or one of them is not
    ///   fetchable as sha256 or failed (it then fetches on its own, as without qcoord).
    public static func functional(_ test: TestCase, qemuCacheDir: String, unavailable: [String: String]) -> [String: String] {
        guard test.kind == .functional, let assets = test.assets, !assets.isEmpty else { return [:] }
        for asset in assets {
            guard asset.isFetchable, asset.algorithm == .sha256, let key = asset.contentKey, unavailable[key] == nil else { return [:] }
        }
        return ["QEMU_TEST_CACHE_DIR": qemuCacheDir, "QEMU_TEST_NO_DOWNLOAD": "1"]
    }

    /// The environment of a FUNCTIONAL test on `host`, decided in one place for every host:
    /// `views` (host → where its assets are, `RunConfiguration.hostAssetViews`) says whether the
    /// host has a QEMU view of an asset store, and which assets it holds (a host whose push
    /// failed has none: its tests download their own).
    public static func functional(_ test: TestCase, host: String, views: [String: HostAssetView],
                                  unavailable: [String: String]) -> [String: String] {
        guard let view = views[host] else { return [:] }
        if let present = view.present {
            for asset in test.assets ?? [] {
                guard let key = asset.contentKey, present.contains(key) else { return [:] }
            }
        }
        return functional(test, qemuCacheDir: view.qemuCacheDir, unavailable: unavailable)
    }
}
