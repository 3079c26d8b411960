import Foundation
import Testing
import QCoordCore

/// What `qcoord assets fetch` fetches, where it keeps it, and how it resumes (docs/assets-fetch.md).
struct AssetFetchPlanTests {
    let h1 = String(repeating: "a", count: 40)
    let h256 = String(repeating: "b", count: 64)
    let h512 = String(repeating: "c", count: 128)

    @Test func oneItemPerContentKeyWithEveryURL() {
        let plan = AssetFetchPlan.make([
            AssetRef(url: "https://a/x.img", hash: h256.uppercased(), algorithm: .sha256),
            AssetRef(url: "https://mirror/x.img", hash: h256, algorithm: .sha256, size: 10),
            AssetRef(url: "https://a/x.img", hash: h256, algorithm: .sha256),
            AssetRef(url: "https://a/y.img", hash: h1, algorithm: .sha1),
        ])
        #expect(plan.items.map(\.contentKey) == ["sha256:\(h256)", "sha1:\(h1)"])
        #expect(plan.items[0].urls == ["https://a/x.img", "https://mirror/x.img"])
        #expect(plan.items[0].size == 10)
        #expect(plan.skipped.isEmpty)
    }

    @Test func avocadoNameAndLocations() {
        let ref = AssetRef(name: "https://a/k.tgz", locations: ["https://b/k.tgz", "ftp://c/k.tgz", "https://a/k.tgz"], hash: h1, algorithm: .sha1)
        let item = try? AssetFetchPlan.item(for: ref).get()
        #expect(item?.urls == ["https://a/k.tgz", "https://b/k.tgz"])
        let plain = AssetRef(name: "k.tgz", locations: ["http://b/k.tgz"], hash: h1, algorithm: .sha1)
        #expect((try? AssetFetchPlan.item(for: plain).get())?.urls == ["http://b/k.tgz"])
    }

    @Test func whatIsLeftToTheTests() {
        let plan = AssetFetchPlan.make([
            AssetRef(url: "https://a/1", unknown: "computed URL"),
            AssetRef(url: "https://a/2"),
            AssetRef(url: "https://a/3", hash: "abc", algorithm: .sha256),
            AssetRef(url: "https://a/4", hash: "../../etc/passwd"),
            AssetRef(url: "ftp://a/5", hash: h256, algorithm: .sha256),
            AssetRef(name: "x", hash: h256, algorithm: .sha256),
            AssetRef(url: "https://a/2"),
        ])
        #expect(plan.items.isEmpty)
        #expect(plan.skipped.map(\.reason) == [
            "not known statically: computed URL",
            "no hash declared: it could not be verified",
            "hash 'abc' is not a sha256 hex digest (64 hex digits)",
            "hash '../../etc/passwd' is not a sha1, sha256 or sha512 hex digest",
            "no http(s) URL (ftp://a/5)",
            "no URL",
        ])
    }

    @Test func algorithmFromTheHashLength() {
        #expect((try? AssetFetchPlan.item(for: AssetRef(url: "https://a/x", hash: h512)).get())?.algorithm == .sha512)
        #expect((try? AssetFetchPlan.item(for: AssetRef(url: "https://a/x", hash: h256)).get())?.algorithm == .sha256)
        #expect((try? AssetFetchPlan.item(for: AssetRef(url: "https://a/x", hash: h1)).get())?.algorithm == .sha1)
    }

    @Test func cacheLayout() {
        let item = AssetFetchItem(algorithm: .sha256, hash: h256.uppercased(), urls: ["https://a/x"])
        #expect(AssetCacheLayout.dataPath(item) == "sha256/\(h256)")
        #expect(AssetCacheLayout.sidecarPath(item) == "sha256/\(h256).json")
        #expect(AssetCacheLayout.partPath(item) == "sha256/\(h256).part")
        #expect(AssetCacheLayout.isDigest(h256, .sha256) && !AssetCacheLayout.isDigest(h256, .sha1))
        #expect(!AssetCacheLayout.isDigest(String(repeating: "g", count: 64), .sha256))
        let sidecar = AssetSidecar(url: "https://a/x", size: 5, algorithm: .sha256, hash: h256)
        #expect(AssetCacheLayout.sidecarVouches(sidecar, for: item, fileSize: 5))
        #expect(!AssetCacheLayout.sidecarVouches(sidecar, for: item, fileSize: 4), "a truncated file is hashed again")
        #expect(!AssetCacheLayout.sidecarVouches(nil, for: item, fileSize: 5))
        #expect(AssetSidecar.decode(Array(sidecar.encoded().utf8)) == sidecar)
        #expect(sidecar.encoded().contains("\"url\" : \"https://a/x\""))
    }

    @Test func resumeDecisions() {
        #expect(AssetResume.rangeHeader(partBytes: 0) == nil)
        #expect(AssetResume.rangeHeader(partBytes: 4096) == "bytes=4096-")
        #expect(AssetResume.action(status: 200, partBytes: 0, contentRange: nil) == .restart)
        #expect(AssetResume.action(status: 200, partBytes: 10, contentRange: nil) == .restart, "the server ignored Range")
        #expect(AssetResume.action(status: 206, partBytes: 10, contentRange: "bytes 10-99/100") == .append)
        #expect(AssetResume.action(status: 206, partBytes: 10, contentRange: "bytes 0-99/100")
                == .discardPart("206 Partial Content from byte 0, asked from 10"))
        if case .discardPart = AssetResume.action(status: 206, partBytes: 10, contentRange: nil) {} else { Issue.record("no Content-Range") }
        #expect(AssetResume.action(status: 416, partBytes: 100, contentRange: "bytes */100") == .verifyPart)
        #expect(AssetResume.action(status: 404, reason: "Not Found", partBytes: 0, contentRange: nil) == .fail("HTTP 404 Not Found"))
        #expect(AssetResume.action(status: 416, partBytes: 0, contentRange: nil) == .fail("HTTP 416"))
        #expect(AssetResume.contentRangeStart("bytes 123-456/789") == 123)
        #expect(AssetResume.retries(attempt: 1, gotBytes: true))
        #expect(!AssetResume.retries(attempt: 1, gotBytes: false), "a refused connection is not retried")
        #expect(!AssetResume.retries(attempt: 4, gotBytes: true))
    }

    @Test func jsonAssetList() throws {
        let text = #"[{"url": "https://a/x", "hash": "\#(h256)"}, {"url": "https://a/y", "hash": "\#(h1)", "algorithm": "SHA1", "size": 3}]"#
        let refs = try AssetListInput.decode(Array(text.utf8)).get()
        #expect(refs == [AssetRef(url: "https://a/x", hash: h256, algorithm: .sha256),
                         AssetRef(url: "https://a/y", hash: h1, algorithm: .sha1, size: 3)])
        let wrapped = #"{"assets": [{"name": "k", "locations": ["https://b/k"], "hash": "\#(h1)"}]}"#
        #expect(try AssetListInput.decode(Array(wrapped.utf8)).get() == [AssetRef(name: "k", locations: ["https://b/k"], hash: h1, algorithm: .sha1)])
        guard case .failure(let e) = AssetListInput.decode(Array(#"[{"url": "x", "algorithm": "md5"}]"#.utf8)) else {
            Issue.record("md5 accepted")
            return
        }
        #expect(e.text == "entry 1: algorithm 'md5' is not sha1, sha256 or sha512")
        if case .success = AssetListInput.decode(Array("{".utf8)) { Issue.record("bad JSON accepted") }
    }
}
