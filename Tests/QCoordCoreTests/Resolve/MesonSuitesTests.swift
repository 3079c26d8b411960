import Testing
@testable import QCoordCore

/// tests/functional's meson.build read as data, on hand-written fixtures shaped like QEMU's
/// 10.0 (flat) and 10.2 (per-target) files.
@Suite struct MesonSuitesTests {
    // Flat layout (QEMU ≤ 10.1): one file, one shared `test_timeouts`, names carry the target.
    static let flat = """
    # QEMU functional tests:
    # 'quick' runs during make check.

    if get_option('tcg_interpreter')
      subdir_done()
    endif

    # Timeouts for individual tests
    test_timeouts = {
      'aarch64_virt' : 360,
      'acpi_bits' : 420,
      'intel_iommu': 300,   # a trailing comment
    }

    tests_generic_system = [
      'empty_cpu_model',
      'version',
    ]

    tests_generic_linuxuser = [
    ]

    tests_aarch64_system_quick = [
      'migration',
    ]

    tests_aarch64_system_thorough = [
      'aarch64_virt',
      'aarch64_raspi3' # no trailing comma on the last one
    ]

    tests_x86_64_system_thorough = ['acpi_bits', 'intel_iommu',]

    tests_arm_linuxuser_thorough = [
      'arm_bflt',
    ]

    precache_all = []
    foreach speed : ['quick', 'thorough']
      foreach dir : target_dirs
        if speed == 'quick'
          suites = ['func-quick', 'func-' + target_base]
          target_tests = get_variable('tests_' + target_base + '_' + sysmode + '_quick', []) \\
                         + get_variable('tests_generic_' + sysmode)
        endif
        foreach test : target_tests
          test('func-' + testname,
               python,
               timeout: test_timeouts.get(test, 90),
               suite: suites)
        endforeach
      endforeach
    endforeach
    """

    static func model(_ files: [String: String], known: Set<String> = []) throws -> FunctionalMesonModel {
        try MesonSuites.model(files: files, knownPaths: known).get()
    }

    @Test("flat layout: lists, generic added to every system target's quick list, one shared timeout table")
    func flatLayout() throws {
        let m = try Self.model(["meson.build": Self.flat])
        #expect(m.layout == .flat)
        #expect(m.targets.map { "\($0.target)/\($0.mode)" } == ["aarch64/system", "arm/linuxuser", "x86_64/system"])
        let aarch64 = try #require(m.targets.first { $0.target == "aarch64" })
        #expect(aarch64.quick == ["migration", "empty_cpu_model", "version"])
        #expect(aarch64.thorough == ["aarch64_virt", "aarch64_raspi3"])
        // x86_64 declares no quick list: its quick list is the generic one.
        let x86 = try #require(m.targets.first { $0.target == "x86_64" })
        #expect(x86.quick == ["empty_cpu_model", "version"])
        // generic_system is not added to a linux-user target; generic_linuxuser (empty) is.
        let armUser = try #require(m.targets.first { $0.target == "arm" })
        #expect(armUser.quick == [] && armUser.thorough == ["arm_bflt"])

        let virt = try #require(m.tests.first { $0.name == "aarch64_virt" })
        #expect(virt.file == "test_aarch64_virt.py")
        #expect(virt.mesonName == "func-aarch64-aarch64_virt")
        #expect(virt.timeout == 360)
        #expect(virt.suites == ["func-thorough", "func-aarch64-thorough", "thorough"])
        #expect(m.tests.first { $0.name == "intel_iommu" }?.timeout == 300)
        #expect(m.tests.first { $0.name == "aarch64_raspi3" }?.timeout == 90)

        let version = m.tests(running: "test_version.py")
        #expect(version.map(\.mesonName) == ["func-aarch64-version", "func-x86_64-version"])
        #expect(version.allSatisfy { $0.suites == ["func-quick", "func-\($0.target)"] && $0.timeout == 90 })
        // Quick ones come first.
        #expect(m.tests.prefix(5).allSatisfy { $0.speed == .quick })
        #expect(m.tests.count == 5 + 5)
    }

    // Per-target layout (QEMU ≥ 10.2).
    static let top = """
    # QEMU functional tests:
    if get_option('tcg_interpreter')
      subdir_done()
    endif

    subdir('aarch64')
    subdir('x86_64')
    subdir('generic')

    foreach speed : ['quick', 'thorough']
      foreach test : target_tests
        if is_variable('test_' + target_base + '_timeouts')
          time_out = get_variable('test_' + target_base + '_timeouts').get(test, 90)
        else
          time_out = 90
        endif
      endforeach
    endforeach
    """
    static let aarch64 = """
    # SPDX-License-Identifier: GPL-2.0-or-later

    test_aarch64_timeouts = {
      'raspi4' : 480,
      'virt' : 360,
    }

    tests_aarch64_system_quick = [
      'migration',
      'vmstate',
    ]

    tests_aarch64_system_thorough = [
      'raspi4',
      'replay',
      'virt',
    ]
    """
    static let x86 = """
    # SPDX-License-Identifier: GPL-2.0-or-later

    test_x86_64_timeouts = {
      'replay' : 480,
    }

    tests_x86_64_system_quick = [
      'migration',
    ]

    tests_x86_64_system_thorough = [
      'replay',
    ]
    """
    static let generic = """
    # SPDX-License-Identifier: GPL-2.0-or-later

    tests_generic_system = [
      'empty_cpu_model',
      'version',
    ]

    tests_generic_linuxuser = [
    ]

    tests_generic_bsduser = [
    ]
    """
    static let perTargetFiles = ["meson.build": top, "aarch64/meson.build": aarch64,
                                 "x86_64/meson.build": x86, "generic/meson.build": generic]
    static let perTargetKnown: Set<String> = [
        "generic/test_version.py", "generic/test_empty_cpu_model.py", "migration.py",
        "aarch64/test_migration.py", "aarch64/test_vmstate.py", "aarch64/test_raspi4.py",
        "aarch64/test_replay.py", "aarch64/test_virt.py",
        "x86_64/test_migration.py", "x86_64/test_replay.py",
    ]

    @Test("per-target layout: subdir files, per-target timeouts, generic/ before <target>/")
    func perTargetLayout() throws {
        let m = try Self.model(Self.perTargetFiles, known: Self.perTargetKnown)
        #expect(m.layout == .perTarget)
        #expect(m.targets.map(\.target) == ["aarch64", "x86_64"])
        #expect(m.targets[0].quick == ["migration", "vmstate", "empty_cpu_model", "version"])
        #expect(m.targets[1].quick == ["migration", "empty_cpu_model", "version"])

        // The same name in two targets: two meson tests, two files, own timeouts.
        let replay = m.tests.filter { $0.name == "replay" }
        #expect(replay.map(\.file) == ["aarch64/test_replay.py", "x86_64/test_replay.py"])
        #expect(replay.map(\.timeout) == [90, 480])
        #expect(m.tests.first { $0.target == "aarch64" && $0.name == "raspi4" }?.timeout == 480)

        let version = m.tests(running: "generic/test_version.py")
        #expect(version.map(\.mesonName) == ["func-aarch64-version", "func-x86_64-version"])
        #expect(m.tests.count == 4 + 3 + 3 + 1)
        #expect(m.missingFiles(knownPaths: Self.perTargetKnown).isEmpty)
    }

    @Test("a name with no generic/ file maps to <target>/; one missing there is reported, not invented")
    func fileMapping() throws {
        var known = Self.perTargetKnown
        known.remove("generic/test_version.py")
        let m = try Self.model(Self.perTargetFiles, known: known)
        let version = m.tests.filter { $0.name == "version" }
        #expect(version.map(\.file) == ["aarch64/test_version.py", "x86_64/test_version.py"])
        #expect(m.missingFiles(knownPaths: known).map(\.mesonName) == ["func-aarch64-version", "func-x86_64-version"])
        #expect(MesonSuites.file(for: "x", target: "ppc64", layout: .flat, knownPaths: []) == "test_x.py")
    }

    @Test("the target is what precedes _<mode>_<speed>, underscores and all")
    func listNames() {
        #expect(MesonSuites.splitListName("tests_x86_64_system_quick")! == ("x86_64", .system, .quick))
        #expect(MesonSuites.splitListName("tests_mips64el_system_thorough")! == ("mips64el", .system, .thorough))
        #expect(MesonSuites.splitListName("tests_arm_linuxuser_thorough")! == ("arm", .linuxuser, .thorough))
        #expect(MesonSuites.splitListName("tests_generic_system") == nil)
        #expect(MesonSuites.splitListName("tests_system_quick") == nil)
        #expect(MesonSuites.splitListName("tests_x86_64_system_slow") == nil)
    }

    @Test("an unread tests_ variable is listed, not silently dropped")
    func unused() throws {
        let m = try Self.model(["meson.build": "tests_x86_64_system_slow = ['a']\ntests_x86_64_system_quick = ['b']\n"])
        #expect(m.unusedVariables == ["tests_x86_64_system_slow"])
        #expect(m.tests.map(\.name) == ["b"])
    }

    @Test("strings: escapes, triple quotes, '#' inside a string is not a comment")
    func strings() throws {
        let text = """
        x = '''a
        multi-line # not a comment
        string'''
        tests_ppc_system_quick = ['it\\'s', 'a#b'] # comment
        """
        let d = try MesonDeclarations.parse(text, file: "meson.build").get()
        #expect(d.lists["tests_ppc_system_quick"] == ["it's", "a#b"])
    }

    @Test("what is not data is an error with file:line", arguments: [
        ("tests_x_system_quick = [\n  'a',\n  b,\n]\n", 3, "expected a string"),
        ("tests_x_system_quick = [\n  'a'\n  'b'\n]\n", 3, "expected ',' or ']'"),
        ("tests_x_system_quick = ['a'] + other\n", 1, "unexpected +"),
        ("tests_x_system_quick += ['a']\n", 1, "not supported"),
        ("tests_x_system_quick = get_variable('y')\n", 1, "must be a list"),
        ("\nif foo\n  tests_x_system_quick = ['a']\nendif\n", 3, "conditional"),
        ("test_x_timeouts = {\n  'a': 10,\n  'b': ten,\n}\n", 3, "number of seconds"),
        ("test_x_timeouts = {\n  'a': 10,\n  'a': 20,\n}\n", 3, "duplicate key"),
        ("tests_x_system_quick = [\n  'a',\n", 1, "never closed"),
        ("tests_x_system_quick = [\n  'a\n]\n", 2, "unterminated string"),
        ("tests_x_system_quick = ['a'}\n", 1, "closes '['"),
        ("foreach x : y\n  z = 1\n", 2, "never closed"),
        ("endif\n", 1, "without an open block"),
    ] as [(String, Int, String)])
    func errors(text: String, line: Int, fragment: String) {
        switch MesonDeclarations.parse(text, file: "x86_64/meson.build") {
        case .success(let d):
            Issue.record("parsed: \(d)")
        case .failure(let e):
            #expect(e.file == "x86_64/meson.build")
            #expect(e.line == line, "\(e)")
            #expect(e.message.contains(fragment), "\(e)")
        }
    }

    @Test("a broken per-directory file or a missing subdir file fails the model with its place")
    func modelErrors() {
        var files = Self.perTargetFiles
        files["x86_64/meson.build"] = "tests_x86_64_system_quick = [\n  'migration'\n  'oops',\n]\n"
        #expect(throws: MesonParseError(file: "x86_64/meson.build", line: 3, message: "expected ',' or ']' in 'tests_x86_64_system_quick', found 'oops'")) {
            try Self.model(files)
        }
        files = Self.perTargetFiles
        files["generic/meson.build"] = nil
        #expect(throws: MesonParseError(file: "meson.build", line: 8, message: "subdir('generic'): no generic/meson.build")) {
            try Self.model(files)
        }
        #expect(throws: MesonParseError(file: "meson.build", line: 0, message: "no top-level meson.build")) {
            try Self.model([:])
        }
    }
}
