import Foundation
import Synchronization
import Testing
import QCoordCore
@testable import QCoordRun

/// AssetFetcher against a local HTTP server (Tests/Fixtures/assets/asset_server.py): fetch and
/// verify, the cache, wrong hashes, 404s, resuming with Range, parallel downloads, proxies
/// (docs/assets-fetch.md). `make check-asset-fetch` (mk/check.mk) sets QCOORD_ASSET_FETCH_TESTS.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QCOORD_ASSET_FETCH_TESTS"] != nil,
                "set QCOORD_ASSET_FETCH_TESTS=1 (make check-asset-fetch)"))
struct AssetFetcherTests {
    /// Direct connections only, whatever proxies the machine sets.
    static let noProxy: [String: String] = [:]

    func item(_ server: AssetServer, _ path: String, algorithm: AssetRef.Algorithm = .sha256, hash: String? = nil,
              urls: [String]? = nil) -> AssetFetchItem {
        let f = server.file(path)
        let digest = hash ?? [AssetRef.Algorithm.sha1: f.sha1, .sha256: f.sha256, .sha512: f.sha512][algorithm]!
        return AssetFetchItem(algorithm: algorithm, hash: digest, urls: urls ?? [server.url(path)])
    }

    /// What the fetcher printed.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        init() {}
        func append(_ text: String) { lines.withLock { $0.append(text) } }
        var text: String { lines.withLock { $0.joined() } }
    }

    func fetcher(_ cache: URL, concurrency: Int = 4, environment: [String: String] = noProxy,
                 lines: Lines? = nil) -> AssetFetcher {
        let console = Console(out: { lines?.append($0) }, err: { lines?.append($0) })
        return AssetFetcher(cache: AssetCache(directory: cache), concurrency: concurrency, environment: environment, console: console)
    }

    @Test func fetchesVerifiesAndThenServesFromTheCache() async throws {
        let server = try await AssetServer.start(bigMiB: 50)
        let cache = server.cacheDirectory()
        let items = [item(server, "/small.bin"), item(server, "/big.bin", algorithm: .sha512), item(server, "/wrong.bin", algorithm: .sha1)]
        let lines = Lines()
        let first = await fetcher(cache, lines: lines).fetch(items)
        #expect(first.map { $0.state } == [.fetched, .fetched, .fetched], "\(first)")
        #expect(first[1].bytes == 50 << 20)
        for (i, path) in ["/small.bin", "/big.bin", "/wrong.bin"].enumerated() {
            let data = cache.appendingPathComponent(AssetCacheLayout.dataPath(items[i]))
            #expect(first[i].path == data.path)
            #expect(AssetCache.fileSize(data) == server.file(path).size)
            let sidecar = try #require(AssetCache(directory: cache).sidecar(items[i]))
            #expect(sidecar.url == server.url(path) && sidecar.size == server.file(path).size && sidecar.hash == items[i].hash)
            #expect(!FileManager.default.fileExists(atPath: data.path + ".part"))
        }
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("sha512/\(server.file("/big.bin").sha512)").path))
        // Not a terminal: one line per asset.
        let text = lines.text
        #expect(text.contains("fetched \(server.url("/big.bin")) 50.0 MiB in "), "\(text)")

        let requests = server.requests().count
        let second = await fetcher(cache).fetch(items)
        #expect(second.map { $0.state } == [.cached, .cached, .cached])
        #expect(second[1].bytes == 50 << 20 && second[1].url == server.url("/big.bin"))
        #expect(server.requests().count == requests, "a cached asset is not requested again")
    }

    @Test func sameBytesUnderTwoURLsAreFetchedOnce() async throws {
        let server = try await AssetServer.start()
        let f = server.file("/small.bin")
        let plan = AssetFetchPlan.make([AssetRef(url: server.url("/small.bin"), hash: f.sha256, algorithm: .sha256),
                                        AssetRef(url: server.url("/redirect.bin"), hash: f.sha256, algorithm: .sha256)])
        #expect(plan.items.count == 1 && plan.items[0].urls.count == 2)
        let outcomes = await fetcher(server.cacheDirectory()).fetch(plan.items)
        #expect(outcomes.map { $0.state } == [.fetched])
        #expect(server.requests().map(\.path) == ["/small.bin"])
    }

    @Test func httpsThroughHTTPSProxyWithSSLCertFile() async throws {
        let server = try await AssetServer.start(tls: true)
        let cert = try #require(server.tlsCertificate)
        let small = item(server, "/small.bin", urls: [server.httpsURL("/small.bin")])
        let proxy = "http://127.0.0.1:\(server.proxyPort)"
        let outcomes = await fetcher(server.cacheDirectory("a"), environment: ["https_proxy": proxy, "http_proxy": "127.0.0.1:1",
                                                                               "SSL_CERT_FILE": cert]).fetch([small])
        #expect(outcomes[0].state == .fetched, "\(outcomes)")
        let requests = server.requests()
        #expect(requests.filter { $0.server == "proxy" }.map(\.path) == ["127.0.0.1:\(server.tlsPort!)"], "\(requests)")
        #expect(requests.filter { $0.server == "origin-tls" }.map(\.path) == ["/small.bin"])

        // The self-signed certificate is not trusted without SSL_CERT_FILE: a failure naming the URL.
        let untrusted = await fetcher(server.cacheDirectory("b"), environment: [:]).fetch([small])
        #expect(untrusted[0].state == .failed)
        #expect(untrusted[0].error == server.httpsURL("/small.bin")
                + ": TLS: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED); SSL_CERT_FILE names the CA certificates to trust",
                "\(untrusted)")
    }

    @Test func twoFetchersOnOneCacheFetchOnce() async throws {
        let server = try await AssetServer.start()
        let cache = server.cacheDirectory()
        let item = item(server, "/paced/0.bin")
        async let a = fetcher(cache).fetch([item])
        async let b = fetcher(cache).fetch([item])
        let states = await [a[0].state, b[0].state].sorted { $0.rawValue < $1.rawValue }
        #expect(states == [.cached, .fetched])
        #expect(server.requests().filter { $0.method == "GET" }.count == 1, "the second waited for the lock, then found it cached")
    }

    @Test func followsRedirects() async throws {
        let server = try await AssetServer.start()
        let outcomes = await fetcher(server.cacheDirectory()).fetch([item(server, "/small.bin", urls: [server.url("/redirect.bin")])])
        #expect(outcomes[0].state == .fetched, "\(outcomes)")
        #expect(server.requests().map(\.path) == ["/redirect.bin", "/small.bin"])
    }

    @Test func wrongHashFailsNamingBothDigestsAndLeavesNoFile() async throws {
        let server = try await AssetServer.start()
        let cache = server.cacheDirectory()
        let declared = server.file("/small.bin").sha256
        let wrong = item(server, "/wrong.bin", hash: declared)
        let lines = Lines()
        let outcomes = await fetcher(cache, lines: lines).fetch([wrong])
        let o = outcomes[0]
        #expect(o.state == .failed)
        let error = try #require(o.error)
        #expect(error.contains(server.url("/wrong.bin")) && error.contains("sha256 mismatch"))
        #expect(error.contains("expected \(declared)") && error.contains("got \(server.file("/wrong.bin").sha256)"), "\(error)")
        let dir = cache.appendingPathComponent("sha256")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(left == ["\(declared).lock"], "no file, no .part, no sidecar (the empty lock file stays)")
        #expect(lines.text.contains("FAILED \(server.url("/wrong.bin")): sha256 mismatch"))
    }

    @Test func notFoundAndRefusedFailWithTheURL() async throws {
        let server = try await AssetServer.start()
        let missing = item(server, "/small.bin", urls: [server.url("/missing.bin")])
        // A port nothing listens on: the proxy's port once it is closed is not guaranteed free, so a reserved one.
        let refused = item(server, "/wrong.bin", urls: ["http://127.0.0.1:9/wrong.bin"])
        let outcomes = await fetcher(server.cacheDirectory()).fetch([missing, refused])
        #expect(outcomes.map { $0.state } == [.failed, .failed])
        #expect(outcomes[0].error == "\(server.url("/missing.bin")): HTTP 404 Not Found")
        let error = try #require(outcomes[1].error)
        #expect(error.hasPrefix("http://127.0.0.1:9/wrong.bin: "), "\(error)")
        #expect(error.contains("refused"), "\(error)")
    }

    @Test func locationsAreTriedInOrder() async throws {
        let server = try await AssetServer.start()
        let f = server.file("/small.bin")
        let ref = AssetRef(name: "small.bin", locations: [server.url("/missing.bin"), server.url("/small.bin")], hash: f.sha1, algorithm: .sha1)
        let plan = AssetFetchPlan.make([ref])
        let outcomes = await fetcher(server.cacheDirectory()).fetch(plan.items)
        #expect(outcomes[0].state == .fetched && outcomes[0].url == server.url("/small.bin"), "\(outcomes)")
        #expect(server.requests().map(\.path) == ["/missing.bin", "/small.bin"])
    }

    @Test func aDroppedConnectionResumesWithARangeRequest() async throws {
        let server = try await AssetServer.start()
        let outcomes = await fetcher(server.cacheDirectory()).fetch([item(server, "/flaky.bin")])
        #expect(outcomes[0].state == .fetched, "\(outcomes)")
        #expect(outcomes[0].resumed && outcomes[0].bytes == 8 << 20)
        let requests = server.requests()
        #expect(requests.count == 2)
        #expect(requests.first?.range == nil)
        // From where the first attempt's bytes end (the server sent half; what arrived before the reset).
        let range = try #require(requests.last?.range)
        let from = try #require(Int(range.dropFirst("bytes=".count).dropLast()), "\(range)")
        #expect(range.hasPrefix("bytes=") && range.hasSuffix("-") && from > 0 && from <= 4 << 20, "\(requests)")
    }

    @Test func aPartLeftByAnEarlierRunIsResumed() async throws {
        let server = try await AssetServer.start()
        let small = item(server, "/small.bin")
        let whole = try Data(contentsOf: URL(fileURLWithPath: try #require(await fetcher(server.cacheDirectory("a")).fetch([small])[0].path)))
        // Another cache holds the first 30000 bytes as a .part.
        let cache = server.cacheDirectory("b")
        try FileManager.default.createDirectory(at: cache.appendingPathComponent("sha256"), withIntermediateDirectories: true)
        let part = cache.appendingPathComponent(AssetCacheLayout.partPath(small))
        try whole.prefix(30000).write(to: part)
        let outcomes = await fetcher(cache).fetch([small])
        #expect(outcomes[0].state == .fetched && outcomes[0].resumed, "\(outcomes)")
        #expect(server.requests().last?.range == "bytes=30000-")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outcomes[0].path!)) == whole)

        // A whole .part of other bytes: the server answers 416, the part fails its digest, is dropped, fetched anew.
        let other = server.cacheDirectory("c")
        try FileManager.default.createDirectory(at: other.appendingPathComponent("sha256"), withIntermediateDirectories: true)
        try Data(count: whole.count).write(to: other.appendingPathComponent(AssetCacheLayout.partPath(small)))
        let again = await fetcher(other).fetch([small])
        #expect(again[0].state == .fetched && !again[0].resumed, "\(again)")
        #expect(server.requests().suffix(2).map(\.range) == ["bytes=\(whole.count)-", nil])
        #expect(try Data(contentsOf: URL(fileURLWithPath: again[0].path!)) == whole)
    }

    @Test func downloadsRunInParallelUpToTheLimit() async throws {
        let server = try await AssetServer.start()
        let items = (0..<8).map { item(server, "/paced/\($0).bin") }
        let outcomes = await fetcher(server.cacheDirectory(), concurrency: 3).fetch(items)
        #expect(outcomes.allSatisfy { $0.state == .fetched }, "\(outcomes)")
        var inFlight = 0
        var most = 0
        for r in server.requests() where r.path.hasPrefix("/paced/") {
            inFlight += r.method == "DONE" ? -1 : 1
            most = max(most, inFlight)
        }
        #expect(most == 3, "at most --jobs downloads at once, and that many (\(most))")
    }

    @Test func httpProxyFromTheEnvironmentIsUsedUnlessNoProxy() async throws {
        let server = try await AssetServer.start()
        let proxied = await fetcher(server.cacheDirectory("a"), environment: ["http_proxy": "http://127.0.0.1:\(server.proxyPort)"])
            .fetch([item(server, "/small.bin")])
        #expect(proxied[0].state == .fetched, "\(proxied)")
        let viaProxy = server.requests().filter { $0.server == "proxy" }
        #expect(viaProxy.map(\.method) == ["CONNECT"] && viaProxy.first?.path == "127.0.0.1:\(server.port)", "\(viaProxy)")

        let direct = await fetcher(server.cacheDirectory("b"), environment: ["HTTP_PROXY": "127.0.0.1:\(server.proxyPort)",
                                                                             "NO_PROXY": "localhost,127.0.0.1"])
            .fetch([item(server, "/small.bin")])
        #expect(direct[0].state == .fetched)
        #expect(server.requests().filter { $0.server == "proxy" }.count == 1, "no_proxy: straight to the server")

        // https_proxy is not for http URLs.
        _ = await fetcher(server.cacheDirectory("c"), environment: ["https_proxy": "http://127.0.0.1:\(server.proxyPort)"])
            .fetch([item(server, "/small.bin")])
        #expect(server.requests().filter { $0.server == "proxy" }.count == 1)
    }
}
