import Testing
@testable import QCoordCore

/// Malformed input must always produce a module or an error — never a crash, trap or hang.
/// Inputs are deterministic truncations and mutations of the fixture files.
@Suite struct PythonScannerRobustnessTests {
    /// A small deterministic generator (64-bit LCG) so every run feeds the same inputs.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
    }

    /// Bytes most likely to break a tokenizer's assumptions.
    static let interesting: [UInt8] = Array("'\"\\\n\r\t #:()[]{}fbr@.;=,".utf8) + [0xFF, 0xC3, 0xE2, 0x00, 0x0C]

    /// Checks the outcome is sane: lines within the file.
    static func checkOutcome(_ bytes: [UInt8]) {
        let lineCount = bytes.reduce(1) { $1 == 0x0A || $1 == 0x0D ? $0 + 1 : $0 }
        switch PythonScanner.scan(bytes) {
        case .failure(let error):
            #expect(error.line >= 1 && error.line <= lineCount, "error line \(error.line) outside 1...\(lineCount)")
            #expect(!error.message.isEmpty)
        case .success(let module):
            for cls in module.classes {
                #expect(cls.line >= 1 && cls.line <= lineCount)
                #expect(!cls.name.isEmpty)
            }
            for imp in module.imports {
                #expect(imp.line >= 1 && imp.line <= lineCount)
            }
        }
    }

    @Test(arguments: ["qemu_style_test.py", "strings_edge.py", "structure_edge.py"])
    func everyTruncationReturns(file: String) throws {
        let bytes = try PythonFixtures.bytes(file)
        #expect(bytes.count > 1000)
        var cut = 0
        while cut <= bytes.count {
            Self.checkOutcome(Array(bytes[0..<cut]))
            cut += 7
        }
    }

    @Test(arguments: ["qemu_style_test.py", "strings_edge.py", "structure_edge.py", "crlf.py", "tabs.py"])
    func randomMutationsReturn(file: String) throws {
        let original = try PythonFixtures.bytes(file)
        var generator = Generator(state: UInt64(truncatingIfNeeded: original.count) &* 2654435761)
        var failures = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + generator.next(4)) {
                let at = generator.next(bytes.count + 1)
                switch generator.next(4) {
                case 0 where at < bytes.count:
                    bytes[at] = Self.interesting[generator.next(Self.interesting.count)]
                case 1:
                    bytes.insert(Self.interesting[generator.next(Self.interesting.count)], at: at)
                case 2 where at < bytes.count:
                    bytes.removeSubrange(at..<min(bytes.count, at + 1 + generator.next(40)))
                default:
                    let from = generator.next(bytes.count + 1)
                    let piece = bytes[from..<min(bytes.count, from + generator.next(80))]
                    bytes.insert(contentsOf: piece, at: at)
                }
            }
            if case .failure = PythonScanner.scan(bytes) { failures += 1 }
            Self.checkOutcome(bytes)
        }
        // The mutations must actually exercise the error paths, not only valid input.
        #expect(failures > 20)
    }

    @Test func pathologicalInputs() {
        let inputs: [[UInt8]] = [
            [],
            Array(repeating: 0x28, count: 50_000),
            Array(repeating: 0x29, count: 50_000),
            Array(repeating: 0x22, count: 50_001),
            Array(repeating: 0x27, count: 3),
            Array(repeating: 0x0A, count: 50_000),
            Array(repeating: 0x5C, count: 10_000),
            Array(String(repeating: "f'{", count: 20_000).utf8),
            Array(String(repeating: "class A:\n", count: 2_000).utf8),
            Array(String(repeating: "@d\n", count: 5_000).utf8),
            Array((0..<2_000).map { String(repeating: " ", count: $0 % 300) + "x\n" }.joined().utf8),
            [0xEF, 0xBB],
            [0xEF, 0xBB, 0xBF],
            Array("class A(".utf8),
            Array("class A(B".utf8),
            Array("class A(B):".utf8),
            Array("from".utf8),
            Array("from .".utf8),
            Array("import a.".utf8),
            Array("class A:\n    def".utf8),
            Array("class A:\n    @".utf8),
            Array("class A:\n    async".utf8),
            Array("f'{x:{y:{z}}}'".utf8),
        ]
        for input in inputs { Self.checkOutcome(input) }
    }
}
