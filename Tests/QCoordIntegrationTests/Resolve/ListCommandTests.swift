import Foundation
import Testing

/// The built `qcoord list`: the seed's examples, exit codes, output forms, broken files.
@Suite(.serialized) struct ListCommandTests {
    /// A directory with the seed's `passtest.py`.
    func seedDirectory() throws -> URL {
        let directory = try Tools.temporaryDirectory()
        try """
            from avocado import Test


            class PassTest(Test):
                def test(self):
                    pass

            """.write(to: directory.appendingPathComponent("passtest.py"), atomically: true, encoding: .utf8)
        return directory
    }

    func list(_ arguments: [String], in directory: URL = Tools.corpus, environment: [String: String] = [:]) throws -> Tools.Output {
        try Tools.run(try Tools.qcoord(), ["list"] + arguments, in: directory, environment: environment)
    }

    @Test("seed example 1 prints what the seed shows (minus the VT line)")
    func seedDefault() throws {
        let dir = try seedDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = try list(["passtest.py", "this_does_not_exist", "/bin/echo"], in: dir)
        #expect(output.status == 0)
        #expect(output.stdout == """
            INSTRUMENTED passtest.py:PassTest.test
            MISSING      this_does_not_exist
            SIMPLE       /bin/echo

            """)
        // `boot` (a VT test in the seed) is out of scope: nothing resolves it.
        let withBoot = try list(["passtest.py", "boot", "this_does_not_exist", "/bin/echo"], in: dir)
        #expect(withBoot.stdout.split(separator: "\n").map(String.init) == [
            "INSTRUMENTED passtest.py:PassTest.test", "MISSING      boot", "MISSING      this_does_not_exist", "SIMPLE       /bin/echo",
        ])
    }

    @Test("seed examples 2 and 3: the external loader takes what nothing else resolves", arguments: [
        ["@DEFAULT", "external:/bin/echo -e"],
        ["file.SIMPLE", "file.INSTRUMENTED", "@DEFAULT", "external.EXTERNAL:/bin/echo"],
    ])
    func seedExternal(_ loaders: [String]) throws {
        let dir = try seedDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = try list(["passtest.py", "this_does_not_exist", "/bin/echo", "--loaders"] + loaders, in: dir)
        #expect(output.status == 0)
        #expect(output.stdout == """
            INSTRUMENTED passtest.py:PassTest.test
            EXTERNAL     this_does_not_exist
            SIMPLE       /bin/echo

            """)
        let withBoot = try list(["passtest.py", "boot", "--loaders"] + loaders, in: dir)
        #expect(withBoot.stdout.contains("EXTERNAL     boot\n"))
    }

    @Test("usage errors exit 2 and say what to do", arguments: [
        (["suite", "--loaders", "vt"], "use one of: file"),
        (["--bogus"], "Unknown option"),
        ([], "no test references given"),
        (["suite", "-t", ""], "needs a value"),
    ] as [([String], String)])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let output = try list(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message), "stderr: \(output.stderr)")
    }

    @Test("a MISSING reference still exits 0")
    func missingExitsZero() throws {
        let output = try list(["nothing_here.py"])
        #expect(output.status == 0)
        #expect(output.stdout == "MISSING nothing_here.py\n")
    }

    @Test("-t=-slow and --filter-by-tags=-slow pass a negated value")
    func negatedValues() throws {
        let short = try list(["-t=-boot", "suite/qemu_boot.py"])
        let long = try list(["--filter-by-tags=-boot", "suite/qemu_boot.py"])
        #expect(short.status == 0)
        #expect(short.stdout == "INSTRUMENTED suite/qemu_boot.py:AArch64Virt.test_virt_kvm\n")
        #expect(long.stdout == short.stdout)
    }

    @Test("-V: tags column, loader, reasons for unresolved references, parse errors, summaries")
    func verbose() throws {
        let output = try list(["-V", "suite/qemu_boot.py:test_pc", "broken", "nope.py"])
        #expect(output.status == 2)   // broken/ holds files that do not parse
        // Table columns are padded; compare with runs of blanks collapsed.
        let text = output.stdout.replacing(/\ +/, with: " ")
        #expect(text.contains("INSTRUMENTED suite/qemu_boot.py:BootLinux.test_pc suite/qemu_boot.py file.INSTRUMENTED arch(x86_64),boot,machine(pc)"))
        #expect(text.contains("file.INSTRUMENTED nope.py"))
        #expect(text.contains("File \"nope.py\" does not exist or is not a regular file"))
        #expect(text.contains("PARSE ERRORS"))
        #expect(text.contains("broken/unbalanced.py:6: "))
        #expect(text.contains("broken/unterminated_string.py:5: "))
        #expect(text.contains("broken/invalid_utf8.py:5: "))
        #expect(output.stdout.contains("TEST TYPES SUMMARY\n==================\nINSTRUMENTED: 1\nMISSING: 1\nSIMPLE: 1\n"))
        #expect(output.stdout.contains("TEST TAGS SUMMARY\n=================\narch: 1\nboot: 1\nmachine: 1\n"))
    }

    @Test("files that do not scan: no tests, named on stderr, exit 2; an executable one is SIMPLE")
    func brokenFiles() throws {
        let output = try list(["broken"])
        #expect(output.status == 2)
        #expect(output.stdout == "SIMPLE broken/exec_broken.py\n")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "stderr: \(output.stderr)")
        #expect(lines.contains { $0.hasPrefix("qcoord: broken/unterminated_string.py:5: cannot parse: ") && $0.hasSuffix(" — its tests are not in this job") })
        #expect(lines.contains { $0.hasPrefix("qcoord: broken/unbalanced.py:6: cannot parse: ") })
        #expect(lines.last == "3 files could not be read or parsed")
        let ignored = try list(["--ignore-missing-references", "broken"])
        #expect(ignored.status == 0)
        #expect(ignored.stdout == output.stdout)
        #expect(ignored.stderr.contains("qcoord: broken/unbalanced.py:6: cannot parse: "))
    }

    @Test("a broken test file inside a directory reference is not dropped silently")
    func brokenFileInDirectory() throws {
        let dir = try seedDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "from avocado import Test\n\nclass Broken(Test):\n    def test_b(self):\n        x = \"unterminated\n"
            .write(to: dir.appendingPathComponent("sub/broken.py"), atomically: true, encoding: .utf8)
        let output = try list(["."], in: dir)
        #expect(output.status == 2)
        #expect(output.stdout == "INSTRUMENTED ./passtest.py:PassTest.test\n")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "stderr: \(output.stderr)")
        #expect(lines.first?.hasPrefix("qcoord: ./sub/broken.py:5: cannot parse: ") == true)
        #expect(lines.first?.hasSuffix(" — its tests are not in this job") == true)
        #expect(lines.last == "1 file could not be read or parsed")
        // --json - keeps stdout JSON; the diagnostics stay on stderr.
        let json = try list(["--json", "-", "."], in: dir)
        #expect(json.status == 2)
        #expect(json.stdout.hasPrefix("[\n"))
        #expect(try list(["--ignore-missing-references", "."], in: dir).status == 0)
    }

    @Test("a tag filter item with no tag is a usage error saying what a filter looks like",
          arguments: [["-t=-"], ["-t", ","], ["-t", "a,-"], ["-t", "boot,"], ["--filter-by-tags=-"]])
    func tagItemWithoutTag(_ arguments: [String]) throws {
        let output = try list(arguments + ["suite/qemu_boot.py"])
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("a tag filter is comma-separated items, each 'tag', 'key:val', '-tag' (lacks tag) or 'key:-val'"),
                "stderr: \(output.stderr)")
        let fromEnvironment = try list([], environment: ["AVOCADO_TESTS": "suite/qemu_boot.py", "AVOCADO_TAGS": "boot -"])
        #expect(fromEnvironment.status == 2)
        #expect(fromEnvironment.stderr.contains("'-t -'"))
    }

    @Test("--json FILE writes type, id, uri, tags and arch")
    func json() throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("list.json")
        let output = try list(["--json", file.path, "suite/qemu_boot.py:test_(pc|virt_kvm)$", "suite/exec_script.sh", "gone"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("INSTRUMENTED suite/qemu_boot.py:BootLinux.test_pc"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == """
            [
              {"type": "INSTRUMENTED", "id": "suite/qemu_boot.py:BootLinux.test_pc", "uri": "suite/qemu_boot.py", "tags": {"arch": ["x86_64"], "boot": null, "machine": ["pc"]}, "arch": "x86_64"},
              {"type": "INSTRUMENTED", "id": "suite/qemu_boot.py:AArch64Virt.test_virt_kvm", "uri": "suite/qemu_boot.py", "tags": {"accel": ["kvm"], "arch": ["aarch64"]}, "arch": "aarch64"},
              {"type": "SIMPLE", "id": "suite/exec_script.sh", "uri": "suite/exec_script.sh", "tags": {}, "arch": null},
              {"type": "MISSING", "id": "gone", "uri": "gone", "tags": {}, "arch": null}
            ]

            """)
        let unwritable = try list(["--json", "/nonexistent-dir/x.json", "suite/direct.py"])
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("cannot write"))
    }

    @Test("AVOCADO_TESTS and AVOCADO_TAGS apply when no references and no -t are given")
    func qemuEnvironment() throws {
        let env = ["AVOCADO_TESTS": "suite/qemu_boot.py suite/direct.py", "AVOCADO_TAGS": "arch:aarch64,accel:tcg fast"]
        let output = try list([], environment: env)
        #expect(output.status == 0)
        #expect(output.stdout.split(separator: "\n").map(String.init) == [
            "INSTRUMENTED suite/qemu_boot.py:BootLinux.test_virt", "INSTRUMENTED suite/direct.py:Direct.test_two",
        ])
        // Explicit references win over both variables.
        let explicit = try list(["suite/alias_import.py"], environment: env)
        #expect(explicit.stdout == "INSTRUMENTED suite/alias_import.py:Aliased.test_aliased\n")
    }
}
