import AsyncHTTPClient
import Foundation
import NIOSSL
import QCoordCore

/// Fetches test assets once, on the coordinator, into the `AssetCache` (issue 17,
/// docs/assets-fetch.md): several at once (`concurrency`), each streamed to `<file>.part`,
/// resumed with an HTTP Range request after a broken transfer (or a `.part` left by an earlier
/// run), verified against its declared sha1/sha256/sha512 before it enters the cache. An item
/// already in the cache is not fetched again. Avocado's `locations` are tried in order.
/// Proxies come from the environment (`ProxyEnvironment`: https_proxy, http_proxy, no_proxy), and
/// so may the CA certificates (`SSL_CERT_FILE`).
public struct AssetFetcher: Sendable {
    public let cache: AssetCache
    public let concurrency: Int
    public let environment: [String: String]
    public let console: Console
    /// Attempts at one URL while each brings more bytes (a dropped connection resumes).
    public var attempts = 4
    /// Connect timeout; the read timeout (no byte for that long) is `readTimeout`.
    public var connectTimeout: Duration = .seconds(30)
    public var readTimeout: Duration = .seconds(120)

    public init(cache: AssetCache, concurrency: Int = 4, environment: [String: String] = ProcessInfo.processInfo.environment,
                console: Console = Console(out: { _ in }, err: { _ in })) {
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.environment = environment
        self.console = console
    }

    /// Fetches (or finds in the cache) every item; the outcomes in the items' order.
    public func fetch(_ items: [AssetFetchItem]) async -> [AssetFetchOutcome] {
        let progress = AssetFetchProgress(console: console, items: items)
        defer { progress.finish() }
        // One client per proxy (AsyncHTTPClient configures the proxy per client).
        var clients: [ProxySetting?: HTTPClient] = [:]
        var proxies: [String: Result<ProxySetting?, ProxyEnvironment.ProxyError>] = [:]
        for url in Set(items.flatMap(\.urls)) {
            let choice = ProxyEnvironment.proxy(for: url, environment: environment)
            proxies[url] = choice
            if case .success(let proxy) = choice, clients[proxy] == nil { clients[proxy] = makeClient(proxy) }
        }
        let session = Session(fetcher: self, clients: clients, proxies: proxies, progress: progress)
        var outcomes = [AssetFetchOutcome?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, AssetFetchOutcome).self) { group in
            var next = 0
            func start() {
                guard next < items.count else { return }
                let i = next
                next += 1
                group.addTask { (i, await session.fetchOne(items[i])) }
            }
            for _ in 0..<concurrency { start() }
            for await (i, outcome) in group {
                outcomes[i] = outcome
                progress.finished(outcome)
                start()
            }
        }
        for client in clients.values { try? await client.shutdown() }
        return outcomes.map { $0! }
    }

    private func makeClient(_ proxy: ProxySetting?) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .nanoseconds(Self.nanoseconds(connectTimeout)), read: .nanoseconds(Self.nanoseconds(readTimeout))))
        // SSL_CERT_FILE (as curl, Python and OpenSSL read it): the CA certificates to trust instead
        // of the system's, e.g. a company's TLS-intercepting proxy.
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(file)
            configuration.tlsConfiguration = tls
        }
        // A refused connection fails the URL at once (the next location is tried), rather than
        // being retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let proxy {
            switch proxy.kind {
            case .http:
                let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
                configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            case .socks5:
                configuration.proxy = .socksServer(host: proxy.host, port: proxy.port)
            }
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}

/// One `fetch` call's clients and progress.
private struct Session: Sendable {
    let fetcher: AssetFetcher
    let clients: [ProxySetting?: HTTPClient]
    let proxies: [String: Result<ProxySetting?, ProxyEnvironment.ProxyError>]
    let progress: AssetFetchProgress

    var cache: AssetCache { fetcher.cache }

    func fetchOne(_ item: AssetFetchItem) async -> AssetFetchOutcome {
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        if let (path, sidecar) = cache.lookup(item) {
            return AssetFetchOutcome(state: .cached, contentKey: item.contentKey, url: sidecar.url, path: path.path,
                                     bytes: sidecar.size, seconds: elapsed())
        }
        let lock: Int32
        do {
            try cache.prepare(item)
            lock = try await cache.lock(item)
        } catch {
            return AssetFetchOutcome(state: .failed, contentKey: item.contentKey, url: item.urls.first ?? "",
                                     seconds: elapsed(), error: "\(item.urls.first ?? item.contentKey): \(error)")
        }
        defer { close(lock) }
        // Another qcoord may have fetched it while this one waited for the lock.
        if let (path, sidecar) = cache.lookup(item) {
            return AssetFetchOutcome(state: .cached, contentKey: item.contentKey, url: sidecar.url, path: path.path,
                                     bytes: sidecar.size, seconds: elapsed())
        }
        var failures: [String] = []
        for url in item.urls {
            switch await fetch(url, item) {
            case .success(let got):
                do {
                    let path = try cache.commit(item, url: url, size: got.bytes)
                    return AssetFetchOutcome(state: .fetched, contentKey: item.contentKey, url: url, path: path.path,
                                             bytes: got.bytes, seconds: elapsed(), resumed: got.resumed)
                } catch {
                    failures.append("\(url): \(error)")
                }
            case .failure(let reason):
                failures.append("\(url): \(reason.text)")
            }
        }
        return AssetFetchOutcome(state: .failed, contentKey: item.contentKey, url: item.urls.first ?? "",
                                 seconds: elapsed(), error: failures.joined(separator: "; "))
    }

    struct Got { var bytes: Int; var resumed: Bool }
    struct Failure: Error { var text: String }

    /// One URL, until the `.part` holds the verified bytes (then committed by the caller).
    func fetch(_ url: String, _ item: AssetFetchItem) async -> Result<Got, Failure> {
        let client: HTTPClient
        switch proxies[url] {
        case .failure(let error): return .failure(Failure(text: error.text))
        case .success(let proxy): client = clients[proxy]!
        case nil: return .failure(Failure(text: "no client"))
        }
        let part = cache.partURL(item)
        var resumed = false
        var attempt = 0
        var lastError = ""
        var redone = false
        while attempt < fetcher.attempts {
            attempt += 1
            let partBytes = AssetCache.fileSize(part) ?? 0
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "qcoord")
            if let range = AssetResume.rangeHeader(partBytes: partBytes) { request.headers.add(name: "Range", value: range) }
            var before = partBytes
            var written = partBytes
            do {
                let response = try await client.execute(request, timeout: .hours(24))
                let action = AssetResume.action(status: Int(response.status.code), reason: response.status.reasonPhrase,
                                                partBytes: partBytes, contentRange: response.headers.first(name: "Content-Range"))
                let length = response.headers.first(name: "Content-Length").flatMap { Int($0) }
                var digester = AssetDigester(item.algorithm)
                let fd: Int32
                switch action {
                case .fail(let why):
                    return .failure(Failure(text: why))
                case .discardPart(let why):
                    unlink(part.path)
                    lastError = why
                    continue
                case .verifyPart:
                    let result = verify(part, url: url, item, bytes: partBytes, resumed: true)
                    // A stale part of other bytes (removed by verify): once more from zero.
                    if case .failure(let failure) = result, !redone {
                        redone = true
                        lastError = failure.text
                        attempt -= 1
                        continue
                    }
                    return result
                case .append:
                    guard AssetCache.feed(part, into: &digester) else { return .failure(Failure(text: "cannot read \(part.path)")) }
                    fd = open(part.path, O_WRONLY | O_APPEND | O_CLOEXEC)
                    resumed = true
                case .restart:
                    fd = open(part.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                    before = 0
                    written = 0
                }
                guard fd >= 0 else { return .failure(Failure(text: "cannot write \(part.path): \(String(cString: strerror(errno)))")) }
                defer { close(fd) }
                let total = length.map { written + $0 } ?? item.size
                progress.update(item.contentKey, bytes: written, of: total)
                for try await buffer in response.body {
                    let ok = buffer.withUnsafeReadableBytes { bytes in
                        digester.update(bytes)
                        return Self.writeAll(fd, bytes)
                    }
                    guard ok else { return .failure(Failure(text: "cannot write \(part.path): \(String(cString: strerror(errno)))")) }
                    written += buffer.readableBytes
                    progress.update(item.contentKey, bytes: written, of: total)
                }
                let result = check(digester.finalizeHex(), part: part, url: url, item, bytes: written, resumed: resumed)
                // A mismatch after appending to an old part may be the old part's fault: once more from zero.
                if case .failure(let failure) = result, partBytes > 0, !redone {
                    redone = true
                    resumed = false
                    lastError = failure.text
                    attempt -= 1
                    continue
                }
                return result
            } catch {
                lastError = Self.describe(error)
                let now = AssetCache.fileSize(part) ?? 0
                // Resume only what brought bytes; a refused connection or a timeout before any byte is final.
                if !AssetResume.retries(attempt: attempt, gotBytes: now > before, limit: fetcher.attempts) { break }
            }
        }
        return .failure(Failure(text: lastError))
    }

    /// A `.part` the server says is whole (416): verified, else removed.
    private func verify(_ part: URL, url: String, _ item: AssetFetchItem, bytes: Int, resumed: Bool) -> Result<Got, Failure> {
        guard let digest = AssetCache.digest(of: part, item.algorithm) else { return .failure(Failure(text: "cannot read \(part.path)")) }
        return check(digest, part: part, url: url, item, bytes: bytes, resumed: resumed)
    }

    private func check(_ digest: String, part: URL, url: String, _ item: AssetFetchItem, bytes: Int, resumed: Bool) -> Result<Got, Failure> {
        if digest != item.hash {
            unlink(part.path)
            return .failure(Failure(text: "\(item.algorithm.rawValue) mismatch: expected \(item.hash), got \(digest) (\(ByteSize.format(bytes)) downloaded, deleted)"))
        }
        return .success(Got(bytes: bytes, resumed: resumed))
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    /// A transport error as one line (AsyncHTTPClient's and NIO's descriptions are type names).
    static func describe(_ error: Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .remoteConnectionClosed: return "the connection closed before the whole file came"
            case .readTimeout: return "no data for too long (read timeout)"
            case .connectTimeout: return "connect timeout"
            case .deadlineExceeded: return "deadline exceeded"
            case .redirectCycleDetected: return "redirect cycle"
            default: return "\(e)"
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED); SSL_CERT_FILE names the CA certificates to trust"
        }
        if let e = error as? NIOSSLError, case .handshakeFailed = e { return "TLS handshake failed: \(text)" }
        return text
    }
}
