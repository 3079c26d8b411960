import Foundation
import Testing
import QCoordCore

/// FUNCTIONAL discovery (issue 16) on QEMU's real tests/functional trees (10.0 flat, 10.2
/// per-target; `make qemu-material`): `qcoord list --json - tests/functional`, run in the QEMU
/// source tree, must give exactly the test ids Python's unittest loader finds when each file is
/// imported the way meson runs it (scripts/functional-unittest-ids.py), and for every file the
/// meson tests (target, suite, timeout, name) MesonSuites reads from the meson.build files.
///
/// `make check` (test-swift, check-functional-discovery) fetches the material first and sets
/// QCOORD_QEMU_MATERIAL=required: missing material then fails. Run alone without the material,
/// the suite is skipped, saying so.
@Suite(.enabled(if: QEMUMaterial.runnable,
                "no QEMU material in build/qemu-10.0 and build/qemu-10.2: run 'make qemu-material' (make check does)"))
struct FunctionalDiscoveryRealTreeTests {
    static let versions = QEMUMaterial.versions
    static func source(_ version: String) -> URL { QEMUMaterial.source(version) }
    static var materialPresent: Bool { QEMUMaterial.present }

    struct Entry: Decodable {
        struct Meson: Decodable, Hashable, Comparable, CustomStringConvertible {
            var target: String
            var suite: String
            var timeout: Int
            var name: String
            static func < (a: Self, b: Self) -> Bool { a.description < b.description }
            var description: String { "\(name) [\(target) \(suite) \(timeout)s]" }
        }
        var type: String
        var id: String
        var uri: String
        var unittest_id: String?
        var meson: [Meson]?
    }

    struct PythonIDs: Decodable {
        var files: [String: [String]]
        var errors: [String: String]
    }

    @Test("qcoord list gives exactly the unittest loader's ids and MesonSuites' meson tests", arguments: versions)
    func sameAsUnittestAndMeson(_ version: String) throws {
        let src = Self.source(version)
        try #require(Self.materialPresent, "QEMU material missing under build/qemu-\(version): make qemu-material")
        let root = src.appendingPathComponent("tests/functional")
        let pylib = Tools.repository.appendingPathComponent("build/qemu-\(version)/pylib")

        // The peer: Python's unittest loader.
        let python = try Tools.run("/usr/bin/env", ["python3", Tools.repository.appendingPathComponent("scripts/functional-unittest-ids.py").path,
                                                    src.path, pylib.path], in: Tools.repository)
        try #require(python.status == 0, "functional-unittest-ids.py failed: \(python.stderr)")
        let peer = try JSONDecoder().decode(PythonIDs.self, from: Data(python.stdout.utf8))
        #expect(peer.errors.isEmpty, "files Python cannot import: \(peer.errors)")

        // qcoord, through the real CLI.
        let listed = try Tools.run(try Tools.qcoord(), ["list", "--json", "-", "tests/functional"], in: src)
        #expect(listed.status == 0, "qcoord list: \(listed.stderr)")
        let entries = try JSONDecoder().decode([Entry].self, from: Data(listed.stdout.utf8))
        let prefix = "tests/functional/"
        #expect(entries.allSatisfy { $0.type == "FUNCTIONAL" },
                "not FUNCTIONAL: \(entries.filter { $0.type != "FUNCTIONAL" }.map { "\($0.type) \($0.id)" })")

        var got: [String: [String]] = [:]
        var gotMeson: [String: Set<Entry.Meson>] = [:]
        for entry in entries where entry.type == "FUNCTIONAL" {
            let file = String(entry.uri.dropFirst(prefix.count))
            got[file, default: []].append(entry.unittest_id ?? "(no unittest_id) \(entry.id)")
            gotMeson[file, default: []].formUnion(entry.meson ?? [])
        }
        var differences: [String] = []
        for file in Set(got.keys).union(peer.files.keys).sorted() {
            let mine = (got[file] ?? []).sorted(), theirs = (peer.files[file] ?? []).sorted()
            if mine != theirs {
                let missing = Set(theirs).subtracting(mine).sorted(), extra = Set(mine).subtracting(theirs).sorted()
                differences.append("\(file): only unittest finds \(missing), only qcoord lists \(extra)"
                                   + (Set(mine).count != mine.count ? " (duplicates in qcoord)" : ""))
            }
        }
        #expect(differences.isEmpty, "\(version): ids differ:\n\(differences.joined(separator: "\n"))")

        // Meson membership: what MesonSuites reads, per file, against each entry's "meson".
        let (files, known) = try FunctionalMesonRealTreeTests.read(root)
        let model = try MesonSuites.model(files: files, knownPaths: known).get()
        var mesonDifferences: [String] = []
        for file in Set(model.tests.map(\.file)).union(gotMeson.keys).sorted() {
            let expected = Set(model.tests(running: file).map {
                Entry.Meson(target: $0.target, suite: $0.speed.rawValue, timeout: $0.timeout, name: $0.mesonName)
            })
            let mine = gotMeson[file] ?? []
            if expected != mine {
                mesonDifferences.append("\(file): meson.build \(expected.sorted()), qcoord \(mine.sorted())")
            }
            if !expected.isEmpty && got[file] == nil {
                mesonDifferences.append("\(file): meson runs it, qcoord lists no test in it")
            }
        }
        #expect(mesonDifferences.isEmpty, "\(version): meson tests differ:\n\(mesonDifferences.joined(separator: "\n"))")

        let testCount = got.values.map(\.count).reduce(0, +)
        let report = "functional discovery \(version) (\(model.layout.rawValue)): \(got.count) files, \(testCount) tests "
            + "(unittest: \(peer.files.count) files, \(peer.files.values.map(\.count).reduce(0, +)) tests), "
            + "\(model.tests.count) meson tests over \(Set(model.tests.map(\.file)).count) files; "
            + "\(entries.filter { !($0.meson ?? []).isEmpty }.count) tests run by meson\n"
        FileHandle.standardError.write(Data(report.utf8))
    }
}

/// build/qemu-10.0 and build/qemu-10.2 (scripts/qemu-material.sh).
enum QEMUMaterial {
    static let versions = ["10.0", "10.2"]

    static func source(_ version: String) -> URL { Tools.repository.appendingPathComponent("build/qemu-\(version)/src") }

    static var present: Bool {
        versions.allSatisfy {
            FileManager.default.fileExists(atPath: source($0).appendingPathComponent("tests/functional/meson.build").path)
        }
    }

    /// Present, or required (make check): then a missing tree fails the suite instead of skipping it.
    static var runnable: Bool {
        present || ProcessInfo.processInfo.environment["QCOORD_QEMU_MATERIAL"] == "required"
    }
}
