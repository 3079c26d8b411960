import Foundation
import Testing
import QCoordCore

/// `ArchName.normalize` over agents/arch_aliases.json, the table the agent reads too
/// (agents/tests/test_arch_table.py checks the agent's normalize_arch over the same file).
struct ArchNameTests {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("agents/arch_aliases.json")

    static func fileTable() throws -> [String: [String]] {
        try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: file))
    }

    @Test func generatedTableIsTheFile() throws {
        #expect(ArchName.table == (try Self.fileTable()))
    }

    @Test func everyAliasAndTargetNormalizesToItsTarget() throws {
        let table = try Self.fileTable()
        #expect(table.count >= 26)
        for (target, aliases) in table {
            for name in [target] + aliases {
                #expect(ArchName.normalize(name) == target, "\(name)")
                #expect(ArchName.normalize(name.uppercased()) == target, "\(name)")
                #expect(ArchName.normalize(" \(name)\n") == target, "\(name)")
            }
        }
    }

    @Test func unknownNamesPassThroughLowercased() {
        #expect(ArchName.normalize("Qemu-Future64") == "qemu-future64")
        #expect(ArchName.normalize("") == "")
    }

    /// `arch:s390` was s390 here and s390x in the agent; armv8l was arm in ArchName and
    /// aarch64 in InventoryHost.normalizedArch (now gone). armv8l is a 32-bit personality.
    @Test(arguments: [("s390", "s390x"), ("S390X", "s390x"), ("armv8l", "arm"), ("armv8", "aarch64"),
                      ("x86-64", "x86_64"), ("ppc64el", "ppc64"), ("ppcle", "ppc"), ("i686", "i386")])
    func regressions(raw: String, target: String) {
        #expect(ArchName.normalize(raw) == target)
    }
}
