import Foundation
import Testing
import QCoordCore

@Suite struct JournalTests {
    static func result(_ uid: Int, _ name: String, _ status: TestStatus = .pass, ran: Bool = true) -> TestResult {
        TestResult(uid: uid, id: "\(uid)-\(name)", name: name, kind: .simple, status: status, ran: ran)
    }

    static func line(_ r: TestResult) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(r)) + [0x0A]
    }

    @Test func readsEveryLineLastOneForAUIDWins() throws {
        let bytes = try Self.line(Self.result(2, "b")) + Self.line(Self.result(1, "a", .fail))
            + Self.line(Self.result(1, "a", .pass))
        let j = Journal.parse(bytes)
        #expect(j.results.map(\.uid) == [1, 2])
        #expect(j.results[0].status == .pass)
        #expect(j.tornTail == 0 && j.badLines.isEmpty && j.cleanLength == bytes.count)
    }

    @Test func skipsATornLastLineAndSaysWhereTheCleanPartEnds() throws {
        let whole = try Self.line(Self.result(1, "a"))
        let second = try Self.line(Self.result(2, "b"))
        // SIGKILL in the middle of the second write(2).
        let bytes = whole + second.prefix(second.count / 2)
        let j = Journal.parse(bytes)
        #expect(j.results.map(\.name) == ["a"])
        #expect(j.tornTail == second.count / 2)
        #expect(j.cleanLength == whole.count)
        #expect(j.badLines.isEmpty)
    }

    @Test func reportsDamagedLinesAndKeepsTheRest() throws {
        let bytes = try Self.line(Self.result(1, "a")) + Array("{not json\n\n".utf8) + Self.line(Self.result(3, "c"))
        let j = Journal.parse(bytes)
        #expect(j.results.map(\.uid) == [1, 3])
        #expect(j.badLines == [2])
        #expect(j.tornTail == 0)
    }

    @Test func emptyJournalHasNoResults() {
        #expect(Journal.parse([]) == Journal())
    }

    @Test func aWholeObjectWithoutItsNewlineIsKeptButCountedAsTail() throws {
        let r = try Self.line(Self.result(1, "a")).dropLast()
        let j = Journal.parse(Array(r))
        #expect(j.results.map(\.uid) == [1])
        #expect(j.cleanLength == 0)
    }
}
