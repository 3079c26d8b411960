import Testing
import QCoordCore

/// The lines `qcoord assets fetch` prints, and proxies from the environment (docs/assets-fetch.md).
struct AssetFetchReportTests {
    @Test func perAssetLines() {
        #expect(AssetFetchReport.line(AssetFetchOutcome(state: .fetched, contentKey: "sha256:x", url: "https://a/k", bytes: 50 << 20, seconds: 1.25))
                == "fetched https://a/k 50.0 MiB in 1.3 s")
        #expect(AssetFetchReport.line(AssetFetchOutcome(state: .fetched, contentKey: "k", url: "u", bytes: 10, seconds: 0.04, resumed: true))
                == "fetched u 10 B in 0.0 s (resumed)")
        #expect(AssetFetchReport.line(AssetFetchOutcome(state: .cached, contentKey: "k", url: "https://a/k", bytes: 2048))
                == "cached https://a/k 2.0 KiB")
        #expect(AssetFetchReport.line(AssetFetchOutcome(state: .failed, contentKey: "k", url: "https://a/k", error: "https://a/k: HTTP 404 Not Found"))
                == "FAILED https://a/k: HTTP 404 Not Found")
    }

    @Test func summary() {
        let outcomes = [AssetFetchOutcome(state: .fetched, contentKey: "a", url: "a", bytes: 3 << 20),
                        AssetFetchOutcome(state: .fetched, contentKey: "b", url: "b", bytes: 1 << 20),
                        AssetFetchOutcome(state: .cached, contentKey: "c", url: "c", bytes: 9),
                        AssetFetchOutcome(state: .failed, contentKey: "d", url: "d")]
        #expect(AssetFetchReport.summary(outcomes, skipped: 0, seconds: 2.04) == "assets: 2 fetched (4.0 MiB in 2.0 s), 1 cached, 1 failed")
        #expect(AssetFetchReport.summary([], skipped: 2, seconds: 0) == "assets: 0 fetched (0 B in 0.0 s), 0 cached, 0 failed, 2 left to the tests")
    }

    @Test func progressLine() {
        #expect(AssetFetchReport.progress(done: 2, total: 5, bytes: 100 << 20, ofBytes: 400 << 20, rate: Double(50 << 20))
                == "assets 2/5 · 100.0 MiB/400.0 MiB · 50.0 MiB/s · ETA 0:06")
        #expect(AssetFetchReport.progress(done: 0, total: 3, bytes: 1024, ofBytes: nil, rate: 512) == "assets 0/3 · 1.0 KiB · 512 B/s")
        #expect(AssetFetchReport.progress(done: 0, total: 1, bytes: 0, ofBytes: 10, rate: nil) == "assets 0/1 · 0 B/10 B")
        #expect(AssetFetchReport.clock(5.2) == "0:06")
        #expect(AssetFetchReport.clock(754) == "12:34")
        #expect(AssetFetchReport.clock(3723) == "1:02:03")
    }

    @Test func rateOverAWindow() {
        var rate = TransferRate(window: 5)
        rate.add(time: 0, bytes: 0)
        #expect(rate.bytesPerSecond == nil)
        rate.add(time: 1, bytes: 1000)
        #expect(rate.bytesPerSecond == 1000)
        rate.add(time: 10, bytes: 1000)
        rate.add(time: 11, bytes: 5000)
        #expect(rate.bytesPerSecond == 4000, "samples older than the window are dropped")
    }

    @Test func jsonOutcomes() {
        let text = AssetFetchReport.json([AssetFetchOutcome(state: .cached, contentKey: "sha1:ab", url: "https://a/k", path: "/c/sha1/ab", bytes: 3)],
                                         skipped: [.init(asset: AssetRef(url: "https://a/u"), reason: "no hash declared")])
        #expect(text.contains("\"state\" : \"cached\""))
        #expect(text.contains("\"path\" : \"/c/sha1/ab\""))
        #expect(text.contains("\"reason\" : \"no hash declared\""))
    }

    @Test func proxyByScheme() {
        let env = ["https_proxy": "http://user:p%40ss@proxy:3128", "HTTP_PROXY": "plain:8080"]
        let https = try? ProxyEnvironment.proxy(for: "https://example.org/x", environment: env).get()
        #expect(https == ProxySetting(host: "proxy", port: 3128, user: "user", password: "p@ss"))
        #expect((try? ProxyEnvironment.proxy(for: "http://example.org/x", environment: env).get()) == ProxySetting(host: "plain", port: 8080))
        #expect((try? ProxyEnvironment.proxy(for: "http://example.org/x", environment: ["https_proxy": "p:1"]).get()) == .some(nil))
        #expect((try? ProxyEnvironment.proxy(for: "http://a/x", environment: ["ALL_PROXY": "socks5h://s"]).get())
                == ProxySetting(kind: .socks5, host: "s", port: 1080))
        #expect((try? ProxyEnvironment.proxy(for: "https://a/x", environment: ["https_proxy": "lower:1", "HTTPS_PROXY": "upper:2"]).get())
                == ProxySetting(host: "lower", port: 1), "the lowercase name first")
        if case .success = ProxyEnvironment.proxy(for: "https://a/x", environment: ["https_proxy": "https://tls-proxy:443"]) {
            Issue.record("a TLS proxy AsyncHTTPClient cannot speak to was accepted")
        }
        #expect(ProxyEnvironment.parse("[::1]:3128") == ProxySetting(host: "::1", port: 3128))
        #expect(ProxyEnvironment.parse("http://proxy/") == ProxySetting(host: "proxy", port: 80))
        #expect(ProxyEnvironment.parse("proxy:notaport") == nil)
    }

    @Test func noProxy() {
        func direct(_ url: String, _ noProxy: String) -> Bool {
            (try? ProxyEnvironment.proxy(for: url, environment: ["https_proxy": "p:1", "http_proxy": "p:1", "no_proxy": noProxy]).get()) == .some(nil)
        }
        #expect(direct("https://example.org/x", "*"))
        #expect(direct("https://download.example.org/x", "example.org"))
        #expect(direct("https://download.example.org/x", ".example.org"))
        #expect(direct("https://example.org/x", ".example.org"))
        #expect(!direct("https://badexample.org/x", "example.org"))
        #expect(direct("http://127.0.0.1:8080/x", "localhost, 127.0.0.1"))
        #expect(direct("http://host:8080/x", "host:8080"))
        #expect(!direct("http://host:8081/x", "host:8080"))
        #expect(direct("https://host/x", "host:443"))
        #expect(direct("http://[::1]:80/x", "[::1]"))
        #expect(direct("https://EXAMPLE.org/x", "example.ORG"))
        #expect(!direct("https://user@other.org/x", "example.org"))
        #expect(ProxyEnvironment.bypasses(host: "a", port: 1, noProxy: nil) == false)
        #expect((try? ProxyEnvironment.proxy(for: "http://a/x", environment: ["NO_PROXY": "a", "http_proxy": "p:1"]).get()) == .some(nil))
    }
}
