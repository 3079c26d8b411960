import Foundation
import Testing
@testable import QCoordCore

/// Compares the scanner with Python's own `ast` (Tests/Fixtures/python/ast_dump.py) on every
/// fixture file, so that "what is a docstring / a base / a top-level class" is Python's answer.
@Suite struct PythonScannerASTTests {
    struct DumpImport: Decodable, Equatable {
        var module: String
        var level: Int
        var names: [[String?]]
        var alias: String?
        var line: Int
    }
    struct DumpMethod: Decodable, Equatable {
        var name: String
        var isAsync: Bool
        var decorators: Int
        var docstring: String?
        var line: Int
    }
    struct DumpClass: Decodable, Equatable {
        var name: String
        var bases: [[String]?]
        var docstring: String?
        var methods: [DumpMethod]
        var line: Int
    }
    struct DumpModule: Decodable, Equatable {
        var imports: [DumpImport]?
        var classes: [DumpClass]?
        var error: Int?
    }

    static func pythonDump(_ files: [String]) throws -> [String: DumpModule] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PythonFixtures.directory.appendingPathComponent("ast_dump.py").path]
            + files.map { PythonFixtures.directory.appendingPathComponent($0).path }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode([String: DumpModule].self, from: data)
    }

    static func scannerDump(_ bytes: [UInt8]) -> DumpModule {
        switch PythonScanner.scan(bytes) {
        case .failure(let error):
            return DumpModule(imports: nil, classes: nil, error: error.line)
        case .success(let module):
            return DumpModule(
                imports: module.imports.map {
                    DumpImport(module: $0.module, level: $0.level, names: $0.names.map { [$0.name, $0.alias] },
                               alias: $0.alias, line: $0.line)
                },
                classes: module.classes.map { cls in
                    DumpClass(
                        name: cls.name, bases: cls.bases.map(\.dotted), docstring: cls.docstring,
                        methods: cls.methods.map {
                            DumpMethod(name: $0.name, isAsync: $0.isAsync, decorators: $0.decorators.count,
                                       docstring: $0.docstring, line: $0.line)
                        },
                        line: cls.line)
                },
                error: nil)
        }
    }

    @Test func everyFixtureMatchesPythonAST() throws {
        let files = try PythonFixtures.pythonFiles()
        #expect(files.count >= 8)
        let expected = try Self.pythonDump(files)
        for file in files {
            let reference = try #require(expected[file])
            #expect(reference.error == nil, "fixture \(file) should be valid Python")
            let scanned = Self.scannerDump(try PythonFixtures.bytes(file))
            #expect(scanned.error == reference.error, "\(file): error line")
            #expect(scanned.imports == reference.imports, "\(file): imports")
            let ours = scanned.classes ?? []
            let theirs = reference.classes ?? []
            #expect(ours.map(\.name) == theirs.map(\.name), "\(file): class names")
            for (a, b) in zip(ours, theirs) {
                #expect(a == b, "\(file): class \(b.name)")
            }
        }
    }
}
