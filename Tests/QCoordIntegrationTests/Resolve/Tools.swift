import Foundation
import Testing

/// The real programs the list tests drive: the built `qcoord` and Avocado 113 in its venv.
enum Tools {
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Resolve
        .deletingLastPathComponent() // QCoordIntegrationTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent()

    static let corpus = repository.appendingPathComponent("Tests/Fixtures/corpus")

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// `<repo>/.build/debug/qcoord`, built by `make check` (or `swift build`) before the tests.
    static func qcoord() throws -> String {
        let path = repository.appendingPathComponent(".build/debug/qcoord").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "\(path) is missing: run 'swift build --product qcoord' (make check does) before these tests")
        }
        return path
    }

    /// `$QCOORD_AVOCADO113/bin/avocado`, else `<repo>/build/venv-avocado113/bin/avocado`.
    static func avocado() throws -> String {
        let venv = ProcessInfo.processInfo.environment["QCOORD_AVOCADO113"].flatMap { $0.isEmpty ? nil : $0 }
            ?? repository.appendingPathComponent("build/venv-avocado113").path
        let path = venv + "/bin/avocado"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "Avocado 113 not found at \(path): run 'make setup' (or set QCOORD_AVOCADO113 to its venv)")
        }
        return path
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["AVOCADO_TESTS"] = nil
        env["AVOCADO_TAGS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        // stderr goes to a file, so that reading stdout to its end cannot deadlock on a full stderr pipe.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("qcoord-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let stderrData = (try? Data(contentsOf: errURL)) ?? Data()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qcoord-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// One listed test, reduced to what the differential compares.
struct ListedTest: Hashable, Comparable, CustomStringConvertible {
    var type: String
    var id: String
    /// `key` or `key(v1,v2)`, keys and values sorted.
    var tags: String

    static func < (a: ListedTest, b: ListedTest) -> Bool { (a.id, a.type, a.tags) < (b.id, b.type, b.tags) }
    var description: String { "\(type) \(id) [\(tags)]" }

    static func tagText(_ raw: Any?) -> String {
        guard let dict = raw as? [String: Any] else { return "" }
        return dict.keys.sorted().map { key -> String in
            var values: [String] = []
            if let list = dict[key] as? [String] { values = list }
            if let encoded = dict[key] as? [String: Any], let list = encoded["__encoded_set__"] as? [String] { values = list }
            return values.isEmpty ? key : "\(key)(\(values.sorted().joined(separator: ",")))"
        }.joined(separator: ",")
    }
}

/// "only in Avocado" / "only in qcoord" lines, empty when both sides agree.
func readableDiff(avocado: Set<ListedTest>, qcoord: Set<ListedTest>) -> String {
    var lines: [String] = []
    for test in avocado.subtracting(qcoord).sorted() { lines.append("  only in Avocado 113: \(test)") }
    for test in qcoord.subtracting(avocado).sorted() { lines.append("  only in qcoord:      \(test)") }
    return lines.joined(separator: "\n")
}
