import Testing
import QCoordCore

/// What goes to which SSH host's asset store, what stays and what is evicted (docs/assets.md).
struct AssetPushPlanTests {
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)
    static let c = String(repeating: "c", count: 64)

    static func ref(_ hash: String) -> AssetRef { AssetRef(url: "https://x/\(hash.prefix(4))", hash: hash, algorithm: .sha256) }
    static func item(_ hash: String, _ size: Int) -> AssetPushItem { AssetPushItem(algorithm: .sha256, hash: hash, size: size) }
    static func entry(_ hash: String, _ size: Int, _ mtime: Int) -> AssetStoreEntry {
        AssetStoreEntry(path: "sha256/\(hash)", size: size, mtime: mtime)
    }

    @Test func eachHostNeedsTheAssetsOfTheTestsPlacedThereOnce() {
        let needs = AssetPushPlan.needs(
            assets: [[Self.ref(Self.a), Self.ref(Self.b)], [Self.ref(Self.a)], [Self.ref(Self.c)], [Self.ref(Self.b)],
                     [AssetRef(url: "https://x/unverifiable")]],
            hosts: [["h1", "h2"], ["h1"], ["h2"], [], ["h1"]],
            held: ["sha256:\(Self.a)": 10, "sha256:\(Self.b)": 20])
        #expect(needs["h1"] == [Self.item(Self.a, 10), Self.item(Self.b, 20)])
        // c is not held (its fetch failed): h2 is not sent it; the unplaced test's b counts nowhere else.
        #expect(needs["h2"] == [Self.item(Self.a, 10), Self.item(Self.b, 20)])
        #expect(needs.count == 2)
    }

    @Test func onlyWhatIsMissingIsPushedAndNothingIsEvictedWithoutACap() {
        let d = AssetPushPlan.decide(needed: [Self.item(Self.a, 10), Self.item(Self.b, 20)],
                                     store: [Self.entry(Self.a, 10, 5), Self.entry(Self.c, 1000, 1)], maxBytes: nil)
        #expect(d.reuse == [Self.item(Self.a, 10)])
        #expect(d.push == [Self.item(Self.b, 20)])
        #expect(d.evict.isEmpty)
        #expect(d.present == ["sha256:\(Self.a)", "sha256:\(Self.b)"])
        #expect(d.pushBytes == 20 && d.reuseBytes == 10)
    }

    @Test func aFileOfAnotherSizeIsReplaced() {
        let d = AssetPushPlan.decide(needed: [Self.item(Self.a, 10)], store: [Self.entry(Self.a, 3, 5)], maxBytes: nil)
        #expect(d.push == [Self.item(Self.a, 10)])
        #expect(d.evict == [Self.entry(Self.a, 3, 5)])
        #expect(d.reuse.isEmpty)
    }

    @Test func leastRecentlyUsedAreEvictedOnlyAsFarAsNeeded() {
        let d = String(repeating: "d", count: 64)
        let store = [Self.entry(Self.b, 40, 300), Self.entry(Self.c, 40, 100), Self.entry(d, 40, 200), Self.entry(Self.a, 10, 50)]
        // 130 held, cap 150, 30 to push: 160 > 150, so the oldest the job does not need (c) goes.
        let decision = AssetPushPlan.decide(needed: [Self.item(Self.a, 10), Self.item(String(repeating: "e", count: 64), 30)],
                                            store: store, maxBytes: 150)
        #expect(decision.evict == [Self.entry(Self.c, 40, 100)])
        #expect(decision.push.count == 1 && decision.overCap.isEmpty)
        #expect(decision.reuse == [Self.item(Self.a, 10)])
    }

    @Test func aNeededAssetIsNeverEvictedAndWhatCannotFitIsNotSent() {
        let store = [Self.entry(Self.a, 60, 1), Self.entry(Self.c, 10, 2)]
        let d = AssetPushPlan.decide(needed: [Self.item(Self.a, 60), Self.item(Self.b, 50), Self.item(Self.c, 10)],
                                     store: store, maxBytes: 100)
        #expect(d.reuse.map(\.hash) == [Self.a, Self.c])
        #expect(d.overCap == [Self.item(Self.b, 50)])
        #expect(d.push.isEmpty && d.evict.isEmpty)
        #expect(!d.present.contains("sha256:\(Self.b)"))
    }

    @Test func theStoreCountsDigestsAndCutTransfersOnly() {
        #expect(AssetStoreEntry.belongs(Self.a, algorithm: .sha256))
        #expect(AssetStoreEntry.belongs(".\(Self.a).tmp-1234", algorithm: .sha256))
        #expect(!AssetStoreEntry.belongs(Self.a + ".json", algorithm: .sha256))
        #expect(!AssetStoreEntry.belongs(".\(Self.a).json", algorithm: .sha256))
        #expect(!AssetStoreEntry.belongs(Self.a, algorithm: .sha1))
        #expect(!AssetStoreEntry.belongs("notes.txt", algorithm: .sha256))
    }

    @Test func functionalTestsUseAHostsStoreOnlyWithAllTheirAssetsThere() {
        let test = TestCase(kind: .functional, name: "t", uri: "t.py", assets: [Self.ref(Self.a), Self.ref(Self.b)])
        let full = HostAssetView(storeDirectory: "/home/u/.cache/qcoord/assets", present: ["sha256:\(Self.a)", "sha256:\(Self.b)"])
        let partial = HostAssetView(storeDirectory: "/x", present: ["sha256:\(Self.a)"])
        let views = ["h1": full, "h2": partial, "local": HostAssetView(storeDirectory: "/c")]
        #expect(AssetEnvironment.functional(test, host: "h1", views: views, unavailable: [:])
                == ["QEMU_TEST_CACHE_DIR": "/home/u/.cache/qcoord/assets/qemu", "QEMU_TEST_NO_DOWNLOAD": "1"])
        #expect(AssetEnvironment.functional(test, host: "h2", views: views, unavailable: [:]).isEmpty)
        #expect(AssetEnvironment.functional(test, host: "h3", views: views, unavailable: [:]).isEmpty)
        #expect(AssetEnvironment.functional(test, host: "local", views: views, unavailable: [:])["QEMU_TEST_CACHE_DIR"] == "/c/qemu")
        #expect(AssetEnvironment.functional(test, host: "local", views: views, unavailable: ["sha256:\(Self.b)": "404"]).isEmpty)
    }

    @Test func avocadoTestsGetTheFilesTheHostHoldsAndAreOfflineOnlyWithAllOfThem() {
        let sha1 = String(repeating: "D", count: 40)
        let byURL = AssetRef(url: "https://x/vmlinuz", hash: sha1, algorithm: .sha1)
        let byName = AssetRef(name: "initrd.img", locations: ["https://y/initrd.img"], hash: Self.a, algorithm: .sha256)
        let computed = AssetRef(unknown: "url is computed: base + name")
        let test = TestCase(kind: .instrumented, name: "t", uri: "t.py", assets: [byURL, byName])
        let store = "/home/u/.cache/qcoord/assets"
        let views = ["h1": HostAssetView(storeDirectory: store, present: ["sha1:\(sha1.lowercased())", "sha256:\(Self.a)"]),
                     "h2": HostAssetView(storeDirectory: "/x", present: ["sha256:\(Self.a)"])]
        let h1 = AssetEnvironment.avocado(test, host: "h1", views: views, unavailable: [:])
        #expect(h1 == CoordinatorMessage.TaskAssets(files: [
            .init(name: "https://x/vmlinuz", locations: [], hash: sha1, algorithm: "sha1", file: "\(store)/sha1/\(sha1.lowercased())"),
            .init(name: "initrd.img", locations: ["https://y/initrd.img"], hash: Self.a, algorithm: "sha256", file: "\(store)/sha256/\(Self.a)"),
        ], complete: true))
        // The hash travels as declared: Avocado compares it as written.
        #expect(h1?.files.first?.hash == sha1)
        let h2 = AssetEnvironment.avocado(test, host: "h2", views: views, unavailable: [:])
        #expect(h2?.files.map(\.name) == ["initrd.img"] && h2?.complete == false)
        #expect(AssetEnvironment.avocado(test, host: "h3", views: views, unavailable: [:]) == nil)
        let partlyKnown = TestCase(kind: .instrumented, name: "t", uri: "t.py", assets: [byURL, computed])
        #expect(AssetEnvironment.avocado(partlyKnown, host: "h1", views: views, unavailable: [:])?.complete == false)
        let functional = TestCase(kind: .functional, name: "t", uri: "t.py", assets: [byURL])
        #expect(AssetEnvironment.avocado(functional, host: "h1", views: views, unavailable: [:]) == nil)
    }

    @Test func summaryLine() {
        #expect(AssetPushPlan.hostSummary("h1", pushedFiles: 1, pushedBytes: 2048, reusedFiles: 2, reusedBytes: 0)
                == "h1 1 file \(ByteSize.format(2048)) pushed, 2 (\(ByteSize.format(0))) reused")
    }
}
