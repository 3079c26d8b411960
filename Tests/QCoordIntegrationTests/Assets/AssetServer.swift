import Foundation
import Testing

/// Tests/Fixtures/assets/asset_server.py, started for one test: an origin server and a CONNECT
/// proxy on loopback, their request log, and the digests of the files they serve.
final class AssetServer {
    struct FileInfo: Decodable {
        var size: Int
        var sha1: String
        var sha256: String
        var sha512: String
    }

    struct Request: Decodable, Equatable {
        var server: String
        var method: String
        var path: String
        var range: String?
    }

    private struct Info: Decodable {
        var port: Int
        var proxy_port: Int
        var tls_port: Int?
        var tls_cert: String?
        var files: [String: FileInfo]
    }

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var script: String { repoRoot.appendingPathComponent("Tests/Fixtures/assets/asset_server.py").path }

    let directory: URL
    let port: Int
    let proxyPort: Int
    /// With `tls`: the HTTPS origin's port and its self-signed certificate (PEM).
    let tlsPort: Int?
    let tlsCertificate: String?
    let files: [String: FileInfo]
    private let process: Process

    /// Starts the server and waits (without blocking a thread of the test pool) until it listens.
    static func start(bigMiB: Int = 1, tls: Bool = false) async throws -> AssetServer {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("qcoord-assets-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let info = directory.appendingPathComponent("info.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--info", info.path, "--log", directory.appendingPathComponent("requests.jsonl").path,
                             "--big-mb", "\(bigMiB)", "--lifetime", "300"] + (tls ? ["--tls"] : [])
        // Not the test's pipes: a child holding them open would keep another test's read from ending.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: { () -> URL in
            let url = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            return url
        }())
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: info.path) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                process.terminate()
                throw ServerError(text: "asset_server.py did not start")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let decoded = try JSONDecoder().decode(Info.self, from: Data(contentsOf: info))
        return AssetServer(directory: directory, process: process, info: decoded)
    }

    private init(directory: URL, process: Process, info: Info) {
        self.directory = directory
        self.process = process
        port = info.port
        proxyPort = info.proxy_port
        tlsPort = info.tls_port
        tlsCertificate = info.tls_cert
        files = info.files
    }

    struct ServerError: Error { var text: String }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
    func httpsURL(_ path: String) -> String { "https://127.0.0.1:\(tlsPort!)\(path)" }

    func file(_ path: String) -> FileInfo { files[path]! }

    /// Every request so far, in order.
    func requests() -> [Request] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("requests.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    /// A fresh cache directory under this server's directory.
    func cacheDirectory(_ name: String = "cache") -> URL { directory.appendingPathComponent(name) }
}
