/// What a test is given to find the assets the coordinator provided where it runs
/// (docs/assets.md), decided in one place for every host and both formats. Pure.
///
/// - FUNCTIONAL: QEMU's `Asset` finds them in `QEMU_TEST_CACHE_DIR/download/<sha256>` and, with
///   `QEMU_TEST_NO_DOWNLOAD=1`, never downloads on its own.
/// - INSTRUMENTED (Avocado): the agent links each file into an Avocado cache of the task's own,
///   at the place the host's Avocado version looks (`by_location/…`, `by_name/…`), and points
///   `datadir.paths.cache_dirs` at it; with every asset provided, downloads are refused.
///
/// A test gets nothing when the host has no store (its push failed, or `--no-fetch`) or one of
/// its assets cannot be given: it then fetches on its own, as without qcoord.
public enum AssetEnvironment {
    /// The environment of a FUNCTIONAL test on `host`. `views` (host → its store,
    /// `RunConfiguration.hostAssetViews`) says which assets each host holds.
    public static func functional(_ test: TestCase, host: String, views: [String: HostAssetView],
                                  unavailable: [String: String]) -> [String: String] {
        guard test.kind == .functional, let view = views[host], let assets = test.assets, !assets.isEmpty else { return [:] }
        for asset in assets {
            guard asset.isFetchable, asset.algorithm == .sha256, let key = asset.contentKey,
                  unavailable[key] == nil, view.holds(key) else { return [:] }
        }
        return ["QEMU_TEST_CACHE_DIR": view.qemuCacheDir, "QEMU_TEST_NO_DOWNLOAD": "1"]
    }

    /// The assets an INSTRUMENTED test on `host` is given, as the `run` message carries them;
    /// nil when it is given none.
    public static func avocado(_ test: TestCase, host: String, views: [String: HostAssetView],
                               unavailable: [String: String]) -> CoordinatorMessage.TaskAssets? {
        guard test.kind == .instrumented, let view = views[host], let assets = test.assets, !assets.isEmpty else { return nil }
        var files: [CoordinatorMessage.TaskAsset] = []
        for asset in assets {
            guard asset.isFetchable, let name = asset.url ?? asset.name, let hash = asset.hash,
                  let item = try? AssetFetchPlan.item(for: asset).get(),
                  unavailable[item.contentKey] == nil, view.holds(item.contentKey) else { continue }
            files.append(CoordinatorMessage.TaskAsset(
                name: name, locations: asset.locations, hash: hash, algorithm: item.algorithm.rawValue,
                file: view.storeDirectory + "/" + AssetCacheLayout.dataPath(item)))
        }
        guard !files.isEmpty else { return nil }
        return CoordinatorMessage.TaskAssets(files: files, complete: files.count == assets.count)
    }
}
