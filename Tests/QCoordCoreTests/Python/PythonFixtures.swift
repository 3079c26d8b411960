import Foundation

/// Locates the Python fixture files shared by the scanner tests (Tests/Fixtures/python).
enum PythonFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Python
        .deletingLastPathComponent() // QCoordCoreTests
        .deletingLastPathComponent() // Tests
        .appendingPathComponent("Fixtures/python")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func pythonFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".py") }
            .sorted()
    }
}
