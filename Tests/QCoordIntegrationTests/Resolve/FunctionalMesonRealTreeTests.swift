import Foundation
import Testing
import QCoordCore

/// `make check-functional-meson` (not in `make check`): MesonSuites on QEMU's real
/// tests/functional meson.build files (10.0 flat, 10.2 per-target, fetched by
/// scripts/qemu-material.sh), compared per target with the counts that
/// scripts/check-functional-meson.py takes from the same files line by line. Runs only when
/// QCOORD_FUNCTIONAL_MESON_EXPECTED names that script's JSON.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QCOORD_FUNCTIONAL_MESON_EXPECTED"] != nil,
                "make check-functional-meson sets QCOORD_FUNCTIONAL_MESON_EXPECTED"))
struct FunctionalMesonRealTreeTests {
    struct Counts: Decodable, Equatable, CustomStringConvertible {
        var quick: Int
        var thorough: Int
        var timeouts: Int
        var description: String { "quick \(quick), thorough \(thorough), timeouts \(timeouts)" }
    }

    struct Tree: Decodable {
        var path: String
        var layout: String
        var targets: [String: Counts]
    }

    /// tests/functional's meson.build files and every path under it two levels deep.
    static func read(_ root: URL) throws -> (files: [String: String], known: Set<String>) {
        let fm = FileManager.default
        var files: [String: String] = [:]
        var known: Set<String> = []
        for entry in try fm.contentsOfDirectory(atPath: root.path) {
            known.insert(entry)
            var isDir: ObjCBool = false
            let url = root.appendingPathComponent(entry)
            if fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
                for sub in try fm.contentsOfDirectory(atPath: url.path) { known.insert("\(entry)/\(sub)") }
            }
        }
        for path in known where path == "meson.build" || path.hasSuffix("/meson.build") {
            files[path] = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }
        return (files, known)
    }

    @Test("per target: the same quick/thorough/timeout counts as the line-oriented peer; every file exists")
    func realTrees() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: ProcessInfo.processInfo.environment["QCOORD_FUNCTIONAL_MESON_EXPECTED"]!))
        let expected = try JSONDecoder().decode([String: Tree].self, from: json)
        #expect(!expected.isEmpty, "no QEMU tree: run scripts/qemu-material.sh")
        for (label, tree) in expected.sorted(by: { $0.key < $1.key }) {
            let (files, known) = try Self.read(URL(fileURLWithPath: tree.path))
            let model = try MesonSuites.model(files: files, knownPaths: known).get()
            #expect(model.layout.rawValue == tree.layout, "\(label)")
            var got: [String: Counts] = [:]
            for t in model.targets {
                let key = t.mode == .system ? t.target : "\(t.target)/\(t.mode.rawValue)"
                let names = Set(t.quick + t.thorough)
                got[key] = Counts(quick: t.quick.count, thorough: t.thorough.count,
                                  timeouts: names.intersection(t.timeouts.keys).count)
            }
            for key in Set(got.keys).union(tree.targets.keys).sorted() {
                #expect(got[key] == tree.targets[key], "\(label) \(key): qcoord \(got[key].map(\.description) ?? "none"), peer \(tree.targets[key].map(\.description) ?? "none")")
            }
            let missing = model.missingFiles(knownPaths: known)
            #expect(missing.isEmpty, "\(label): meson tests without their file: \(missing.map(\.mesonName))")
            #expect(model.unusedVariables.isEmpty, "\(label): \(model.unusedVariables)")

            let quick = model.tests.filter { $0.speed == .quick }.count
            let thorough = model.tests.count - quick
            let timed = model.tests.filter { $0.timeout != FunctionalMesonModel.defaultTimeout }.count
            let uniqueFiles = Set(model.tests.map(\.file)).count
            var report = "check-functional-meson \(label) (\(model.layout.rawValue)): \(model.targets.count) targets, "
                + "\(quick) quick, \(thorough) thorough meson tests, \(timed) with a timeout other than 90 s, "
                + "\(uniqueFiles) distinct files\n"
            for key in got.keys.sorted() { report += "  \(key): \(got[key]!)\n" }
            FileHandle.standardError.write(Data(report.utf8))
        }
    }
}
