import Foundation
import Testing

/// `qcoord list` against the real Avocado 113 on the fixture corpus: same (type, id, tags).
@Suite(.serialized) struct ListDifferentialTests {
    static let kinds = ["avocado-instrumented": "INSTRUMENTED", "python-unittest": "PyUNITTEST", "exec-test": "SIMPLE"]

    /// Avocado's tests with their tags, from the runnable recipes `list` writes.
    func avocadoTests(_ references: [String]) throws -> Set<ListedTest> {
        try avocadoRun(references).tests
    }

    /// One `avocado -V list` run: its tests (from the recipes) and its verbose text.
    func avocadoRun(_ references: [String]) throws -> (tests: Set<ListedTest>, verbose: String) {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try Tools.run(try Tools.avocado(), ["-V", "list", "--write-recipes-to-directory", directory.path] + references,
                                   in: Tools.corpus)
        try #require(output.status == 0, "avocado list failed: \(output.stderr)")
        var result = Set<ListedTest>()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let recipe = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let kind = try #require(recipe["kind"] as? String)
            let kwargs = recipe["kwargs"] as? [String: Any]
            result.insert(ListedTest(type: Self.kinds[kind] ?? kind, id: try #require(recipe["identifier"] as? String),
                                     tags: ListedTest.tagText(kwargs?["tags"])))
        }
        return (result, output.stdout)
    }

    func qcoordTests(_ arguments: [String]) throws -> Set<ListedTest> {
        let output = try Tools.run(try Tools.qcoord(), ["list", "--json", "-"] + arguments, in: Tools.corpus)
        try #require(output.status == 0, "qcoord list failed: \(output.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
        return Set(entries.compactMap { entry -> ListedTest? in
            guard let type = entry["type"] as? String, type != "MISSING", let id = entry["id"] as? String else { return nil }
            return ListedTest(type: type, id: id, tags: ListedTest.tagText(entry["tags"]))
        })
    }

    /// IDs in order from the plain listings (Avocado's kind names mapped to the classic ones).
    func plainIDs(avocado arguments: [String]) throws -> [String] {
        let output = try Tools.run(try Tools.avocado(), ["list"] + arguments, in: Tools.corpus)
        try #require(output.status == 0, "avocado list failed: \(output.stderr)")
        return output.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return "\(Self.kinds[String(fields[0])] ?? String(fields[0])) \(fields.dropFirst().joined(separator: " "))"
        }
    }

    func plainIDs(qcoord arguments: [String]) throws -> [String] {
        let output = try Tools.run(try Tools.qcoord(), ["list"] + arguments, in: Tools.corpus)
        try #require(output.status == 0, "qcoord list failed: \(output.stderr)")
        return output.stdout.split(separator: "\n").map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }.filter { !$0.hasPrefix("MISSING ") }
    }

    @Test("the whole suite directory: same tests, same tags")
    func suite() throws {
        let avocado = try avocadoTests(["suite"])
        let qcoord = try qcoordTests(["suite"])
        #expect(avocado.count > 80, "the corpus should yield many tests; Avocado found \(avocado.count)")
        let diff = readableDiff(avocado: avocado, qcoord: qcoord)
        #expect(diff.isEmpty, "qcoord list differs from Avocado 113 on Tests/Fixtures/corpus/suite:\n\(diff)")
    }

    @Test("the suite directory lists in Avocado's order")
    func order() throws {
        #expect(try plainIDs(qcoord: ["suite"]) == plainIDs(avocado: ["suite"]))
    }

    @Test("file references with :REGEX, single files and sub-directories", arguments: [
        ["suite/same_module_chain.py:test_(base|leaf)$"],
        ["suite/dotted_import.py:Mixin", "suite/direct.py:Direct.test_t"],
        ["suite/qemu_boot.py:virt", "suite/mixed.py:unit"],
        ["suite/deep", "suite/pkg/", "suite/link_to_direct.py", "suite/linked_deep"],
        ["suite/direct.py:", "suite/unittest_parent.py:Imported"],
    ])
    func references(_ references: [String]) throws {
        let diff = readableDiff(avocado: try avocadoTests(references), qcoord: try qcoordTests(references))
        #expect(diff.isEmpty, "references \(references):\n\(diff)")
    }

    /// Files with every kind of tag (and untagged tests), small enough to run Avocado often.
    static let tagged = ["suite/qemu_boot.py", "suite/tags_merge.py", "suite/parent_tags_spread.py", "suite/module_alias.py",
                         "suite/alias_import.py", "suite/deep", "suite/direct.py", "suite/unittest_basic.py", "suite/exec_script.sh"]

    @Test("Avocado's crashes: the same files lose their tests, the same tests survive")
    func quirks() throws {
        let (avocado, avocadoVerbose) = try avocadoRun(["quirks"])
        let qcoord = try qcoordTests(["quirks"])
        #expect(!avocado.isEmpty)
        let diff = readableDiff(avocado: avocado, qcoord: qcoord)
        #expect(diff.isEmpty, "qcoord list differs from Avocado 113 on Tests/Fixtures/corpus/quirks:\n\(diff)")

        // Files whose resolution raised inside Avocado (its -V info column) vs qcoord's errors.
        let avocadoErrors = Set(avocadoVerbose.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, fields[0] == "avocado-instrumented", !fields[1].contains(":") else { return nil }
            return String(fields[1])
        })
        let qcoordVerbose = try Tools.run(try Tools.qcoord(), ["list", "-V", "quirks"], in: Tools.corpus).stdout
        let qcoordErrors = Set(qcoordVerbose.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, fields[0] == "file.INSTRUMENTED", fields[2] == "error:" else { return nil }
            return String(fields[1])
        })
        #expect(avocadoErrors.count >= 6)
        #expect(qcoordErrors == avocadoErrors)
    }

    @Test("tag filters give the same selection", arguments: [
        ["-t", "arch"], ["-t", "arch:x86_64"], ["-t", "arch:x86_64,boot"], ["-t", "boot", "-t", "alias"],
        ["-t=-arch"], ["--filter-by-tags=-boot,arch"], ["-t", "arch:-x86_64"], ["-t=-arch:x86_64"],
        ["-t", "arch:aarch64", "--filter-by-tags-include-empty"],
        ["-t", "machine:pc", "--filter-by-tags-include-empty-key"],
        ["-t", "machine:-pc,arch", "--filter-by-tags-include-empty-key", "--filter-by-tags-include-empty"],
    ])
    func filters(_ filter: [String]) throws {
        // Avocado 113 only accepts a '-' value attached with '='; both sides get the same arguments.
        let avocado = try plainIDs(avocado: filter + Self.tagged)
        let qcoord = try plainIDs(qcoord: filter + Self.tagged)
        #expect(!avocado.isEmpty, "filter \(filter) should select tests in the corpus")
        #expect(qcoord == avocado, "filter \(filter): Avocado \(avocado.count) tests, qcoord \(qcoord.count)")
    }
}
