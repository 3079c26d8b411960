import Foundation
import Testing

/// Static asset discovery (issue 17) on real QEMU trees (`make qemu-material`), against peers
/// that read the same trees with Python itself:
///   - QEMU 10.0 and 10.2 tests/functional: per test (unittest id), the (url, hash) of every
///     `qemu_test.Asset` attribute of its class, as scripts/functional-assets.py finds them by
///     importing each file the way meson runs it; `qcoord list --json` must give the same.
///   - QEMU 7.2 tests/avocado (bookworm's): every `fetch_asset` call site whose URL and hash are
///     literals or names bound once to literals (scripts/avocado-fetch-assets.py, Python's
///     `ast`); the (url, hash) pairs qcoord resolves must be exactly those.
/// Each prints its counts (the `qcoord assets list` totals too). `make check` (test-swift) sets
/// QCOORD_QEMU_MATERIAL=required: missing material then fails instead of skipping.
@Suite(.enabled(if: QEMUMaterial.runnable,
                "no QEMU material in build/qemu-*: run 'make qemu-material' (make check does)"))
struct AssetDiscoveryRealTreeTests {
    struct Asset: Decodable, Hashable {
        var url: String?
        var hash: String?
        var algorithm: String?
        var name: String?
        var locations: [String]
        var unknown: String?
    }

    struct Entry: Decodable {
        var type: String
        var id: String
        var uri: String
        var unittest_id: String?
        var assets: [Asset]?
    }

    struct Catalog: Decodable {
        struct Item: Decodable { var url: String?; var hash: String?; var tests: [String] }
        struct Unknown: Decodable { var test: String; var reason: String }
        var assets: [Item]
        var unknown: [Unknown]
    }

    struct Pair: Hashable, Comparable, CustomStringConvertible {
        var url: String
        var hash: String?
        static func < (a: Self, b: Self) -> Bool { a.description < b.description }
        var description: String { "\(url) \(hash ?? "-")" }
    }

    static func report(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func catalog(in directory: URL, _ reference: String) throws -> Catalog {
        let out = try Tools.run(try Tools.qcoord(), ["assets", "list", "--json", "-", reference], in: directory)
        #expect(out.status == 0, "qcoord assets list: \(out.stderr)")
        return try JSONDecoder().decode(Catalog.self, from: Data(out.stdout.utf8))
    }

    @Test("FUNCTIONAL: each test's Asset attributes as Python sees them", arguments: QEMUMaterial.versions)
    func functional(_ version: String) throws {
        let src = QEMUMaterial.source(version)
        try #require(QEMUMaterial.present, "QEMU material missing under build/qemu-\(version): make qemu-material")
        let pylib = Tools.repository.appendingPathComponent("build/qemu-\(version)/pylib")
        let python = try Tools.run("/usr/bin/env", ["python3", Tools.repository.appendingPathComponent("scripts/functional-assets.py").path,
                                                    src.path, pylib.path], in: Tools.repository)
        try #require(python.status == 0, "functional-assets.py failed: \(python.stderr)")
        struct Peer: Decodable { var files: [String: [String: [[String]]]]; var errors: [String: String] }
        let peer = try JSONDecoder().decode(Peer.self, from: Data(python.stdout.utf8))
        #expect(peer.errors.isEmpty, "files Python cannot import: \(peer.errors)")

        let listed = try Tools.run(try Tools.qcoord(), ["list", "--json", "-", "tests/functional"], in: src)
        #expect(listed.status == 0, "qcoord list: \(listed.stderr)")
        let entries = try JSONDecoder().decode([Entry].self, from: Data(listed.stdout.utf8))
        var differences: [String] = []
        var checked = 0
        for entry in entries {
            let file = String(entry.uri.dropFirst("tests/functional/".count))
            guard let id = entry.unittest_id else { continue }
            let theirs = Set((peer.files[file]?[id] ?? []).map { Pair(url: $0[0], hash: $0.count > 1 ? $0[1] : nil) })
            let assets = entry.assets ?? []
            let mine = Set(assets.compactMap { a -> Pair? in
                guard a.unknown == nil, let url = a.url else { return nil }
                return Pair(url: url, hash: a.hash)
            })
            let unknown = assets.compactMap(\.unknown)
            checked += 1
            if mine != theirs || !unknown.isEmpty {
                differences.append("\(id): only Python \(theirs.subtracting(mine).sorted()), only qcoord \(mine.subtracting(theirs).sorted())"
                                   + (unknown.isEmpty ? "" : ", unknown: \(unknown)"))
            }
            for a in assets where a.unknown == nil {
                let expected = a.hash?.count == 128 ? "sha512" : "sha256"
                if a.hash != nil && a.algorithm != expected { differences.append("\(id): \(a.url ?? "?") algorithm \(a.algorithm ?? "nil"), not \(expected)") }
            }
        }
        let peerTests = peer.files.values.reduce(0) { $0 + $1.count }
        #expect(checked == peerTests, "\(version): qcoord lists \(checked) tests, Python loads \(peerTests)")
        #expect(differences.isEmpty, "\(version): assets differ:\n\(differences.joined(separator: "\n"))")

        let catalog = try Self.catalog(in: src, "tests/functional")
        let pythonPairs = Set(peer.files.values.flatMap { $0.values.flatMap { $0.map { Pair(url: $0[0], hash: $0[1]) } } })
        let withAssets = peer.files.values.reduce(0) { $0 + $1.values.filter { !$0.isEmpty }.count }
        Self.report("assets \(version) tests/functional: qcoord \(catalog.assets.count) unique assets (by content) used by "
                    + "\(Set(catalog.assets.flatMap(\.tests)).count) tests, \(catalog.unknown.count) unknown; Python "
                    + "\(pythonPairs.count) unique url+hash, \(withAssets) tests with assets (of \(peerTests))")
    }

    static var avocadoTree: URL { Tools.repository.appendingPathComponent("build/qemu-7.2/src") }

    @Test("INSTRUMENTED: QEMU 7.2 tests/avocado fetch_asset calls resolvable from literals, as Python's ast reads them")
    func avocado() throws {
        let src = Self.avocadoTree
        try #require(FileManager.default.fileExists(atPath: src.appendingPathComponent("tests/avocado/avocado_qemu").path),
                     "QEMU 7.2 tests/avocado missing under build/qemu-7.2: make qemu-material")
        let python = try Tools.run("/usr/bin/env", ["python3", Tools.repository.appendingPathComponent("scripts/avocado-fetch-assets.py").path,
                                                    src.appendingPathComponent("tests/avocado").path], in: Tools.repository)
        try #require(python.status == 0, "avocado-fetch-assets.py failed: \(python.stderr)")
        struct Site: Decodable { var file: String; var function: String; var line: Int; var resolvable: Bool; var url: String?; var hash: String? }
        struct Peer: Decodable { var sites: [Site] }
        let peer = try JSONDecoder().decode(Peer.self, from: Data(python.stdout.utf8))
        let theirs = Set(peer.sites.filter(\.resolvable).map { Pair(url: $0.url ?? "", hash: $0.hash) })

        let listed = try Tools.run(try Tools.qcoord(), ["list", "--json", "-", "tests/avocado"], in: src)
        #expect(listed.status == 0, "qcoord list: \(listed.stderr)")
        let entries = try JSONDecoder().decode([Entry].self, from: Data(listed.stdout.utf8))
        var mine: Set<Pair> = []
        var unknownUses = 0
        for entry in entries {
            for a in entry.assets ?? [] {
                // An md5 `algorithm=` is known but not one qcoord verifies: the URL and hash still are.
                if a.unknown == nil || a.unknown!.hasPrefix("algorithm "), let place = a.url ?? a.name {
                    mine.insert(Pair(url: place, hash: a.hash))
                } else {
                    unknownUses += 1
                }
            }
        }
        #expect(mine == theirs, "7.2: resolvable assets differ: only Python \(theirs.subtracting(mine).sorted()), only qcoord \(mine.subtracting(theirs).sorted())")

        let catalog = try Self.catalog(in: src, "tests/avocado")
        Self.report("assets 7.2 tests/avocado: Python \(peer.sites.count) fetch_asset call sites, \(peer.sites.filter(\.resolvable).count) resolvable "
                    + "(\(theirs.count) unique url+hash); qcoord \(mine.count) unique url+hash over \(entries.filter { !($0.assets ?? []).isEmpty }.count) tests, "
                    + "\(catalog.assets.count) unique assets (by content) in assets list, \(catalog.unknown.count) uses not known statically "
                    + "in \(Set(catalog.unknown.map(\.test)).count) tests")
    }
}
