import Foundation
import Testing
@testable import QCoordCore

/// Compares the scanner with Python's own `ast` (Tests/Fixtures/python/ast_dump.py) on every
/// fixture file, so that "what is a docstring / a base / a top-level class" is Python's answer.
@Suite struct PythonScannerASTTests {
    struct DumpImport: Codable, Equatable {
        var module: String
        var level: Int
        var names: [[String?]]
        var alias: String?
        var line: Int
    }
    struct DumpMethod: Codable, Equatable {
        var name: String
        var isAsync: Bool
        var decorators: Int
        var docstring: String?
        var line: Int
    }
    struct DumpClass: Codable, Equatable {
        var name: String
        var bases: [[String]?]
        var docstring: String?
        var methods: [DumpMethod]
        var line: Int
    }
    struct DumpModule: Codable, Equatable {
        var imports: [DumpImport]?
        var classes: [DumpClass]?
        var error: Int?
    }

    /// Runs ast_dump.py on `files` (paths relative to `directory`); keys are the paths as given.
    static func pythonDump(_ files: [String], in directory: URL = PythonFixtures.directory) throws -> [String: DumpModule] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.currentDirectoryURL = directory
        process.arguments = ["python3", PythonFixtures.directory.appendingPathComponent("ast_dump.py").path] + files
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

/// The same comparison on real code: every module of the installed Avocado 113 package
/// (found through QCOORD_AVOCADO113, which `make test-swift` sets).
@Suite struct PythonScannerRealCodeTests {
    static var avocadoPackage: URL? {
        guard let venv = ProcessInfo.processInfo.environment["QCOORD_AVOCADO113"] else { return nil }
        let lib = URL(fileURLWithPath: venv).appendingPathComponent("lib")
        guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
        for python in pythons.sorted() where python.hasPrefix("python3") {
            let package = lib.appendingPathComponent(python).appendingPathComponent("site-packages/avocado")
            if FileManager.default.fileExists(atPath: package.path) { return package }
        }
        return nil
    }

    @Test(.enabled(if: avocadoPackage != nil, "set QCOORD_AVOCADO113 to an Avocado 113 virtualenv"))
    func avocadoPackageMatchesPythonAST() throws {
        let package = try #require(Self.avocadoPackage)
        let enumerator = try #require(FileManager.default.enumerator(atPath: package.path))
        let files = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".py") }.sorted()
        #expect(files.count > 100)
        let expected = try PythonScannerASTTests.pythonDump(files, in: package)
        var classes = 0
        for file in files {
            let reference = try #require(expected[file])
            let bytes = [UInt8](try Data(contentsOf: package.appendingPathComponent(file)))
            let scanned = PythonScannerASTTests.scannerDump(bytes)
            #expect(scanned == reference, "\(file)")
            classes += scanned.classes?.count ?? 0
        }
        #expect(classes > 200)
    }
}
