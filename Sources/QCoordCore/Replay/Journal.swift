import Foundation

/// A job journal's contents (`jobdata/journal.jsonl`: one TestResult JSON object per line).
///
/// Read robustly: a SIGKILLed coordinator can leave the last line half-written, and that line
/// is skipped (and reported) rather than failing the whole read; the last line for a uid wins.
public struct Journal: Sendable, Equatable {
    /// One result per uid, in uid order.
    public var results: [TestResult]
    /// Bytes after the last newline that are not a whole result (a write cut short).
    public var tornTail: Int
    /// 1-based numbers of complete lines that did not decode (a damaged journal).
    public var badLines: [Int]

    /// The byte count of the journal's clean prefix (every whole line): appending after a
    /// torn tail must start here, or the next result would be glued to the fragment.
    public var cleanLength: Int

    public init(results: [TestResult] = [], tornTail: Int = 0, badLines: [Int] = [], cleanLength: Int = 0) {
        self.results = results
        self.tornTail = tornTail
        self.badLines = badLines
        self.cleanLength = cleanLength
    }

    public static func parse(_ bytes: [UInt8]) -> Journal {
        var byUID: [Int: TestResult] = [:]
        var bad: [Int] = []
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var start = 0, lineNumber = 0
        var clean = 0, torn = 0
        while start < bytes.count {
            lineNumber += 1
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else {
                // No newline: the write of this line never finished. A record is written with its
                // newline in one write(2), so a complete result always ends in one.
                if let r = try? decoder.decode(TestResult.self, from: Data(bytes[start...])) {
                    // Whole JSON but no newline (written by something else): keep it.
                    byUID[r.uid] = r
                }
                torn = bytes.count - start
                break
            }
            let line = bytes[start..<nl]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                if let r = try? decoder.decode(TestResult.self, from: Data(line)) {
                    byUID[r.uid] = r
                } else {
                    bad.append(lineNumber)
                }
            }
            start = nl + 1
            clean = start
        }
        return Journal(results: byUID.keys.sorted().compactMap { byUID[$0] }, tornTail: torn, badLines: bad,
                       cleanLength: clean)
    }
}
