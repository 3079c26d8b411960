import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

/// Replays the saved corpus of `make fuzz-inventory` (fuzz/corpus/inventory): every
/// input is an inventory with hosts or an `InventoryError` naming the file, never a crash.
@Suite struct InventoryFuzzReplayTests {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Fuzz
        .deletingLastPathComponent() // QCoordRunTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // the package
        .appendingPathComponent("fuzz/corpus/inventory")

    @Test func everySavedInputLoadsOrFailsWithALine() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(names.count >= 10, "the saved inventory corpus is missing")
        for name in names {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            let text = String(decoding: data, as: UTF8.self)
            do {
                let inventory = try InventoryLoader.parse(yaml: text, file: name, home: "/home/fuzz")
                #expect(!inventory.hosts.isEmpty, "\(name)")
                #expect(Set(inventory.hosts.map(\.name)).count == inventory.hosts.count, "\(name): duplicate host names")
                #expect(!inventory.hosts.contains { $0.name.isEmpty || $0.address.isEmpty }, "\(name)")
            } catch let error as InventoryError {
                #expect(error.file == name)
                #expect(!error.message.isEmpty, "\(name)")
            }
            _ = try? HostSpec.parseList(text)
        }
    }
}
