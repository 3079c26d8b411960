import Foundation

/// The saved fuzz corpus of one target (fuzz/corpus/<target>): the minimized
/// inputs of `make fuzz-merge` plus every input that once crashed (`crash-*`, `timeout-*`).
enum FuzzCorpus {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Fuzz
        .deletingLastPathComponent() // QCoordCoreTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // the package
        .appendingPathComponent("fuzz/corpus")

    /// (file name, bytes) of every input, sorted by name.
    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = root.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }
}
