import Testing
@testable import QCoordCore

@Suite struct SettingsTests {
    static let user = try! ConfigFile(path: "/home/u/.config/qcoord/config.yaml", entries: [
        ConfigEntry(key: "inventory", value: "/home/u/lab.yaml", line: 1),
        ConfigEntry(key: "job-results-dir", value: "/home/u/results", line: 2),
        ConfigEntry(key: "python", value: "/home/u/venv/bin/python", line: 3),
        ConfigEntry(key: "arch", value: "x86_64", line: 4),
    ])
    static let project = try! ConfigFile(path: "/src/qemu/qcoord.yaml", entries: [
        ConfigEntry(key: "inventory", value: "/src/qemu/ci-lab.yaml", line: 2),
        ConfigEntry(key: "arch", value: "x86_64,aarch64", line: 5),
    ])

    @Test func flagBeatsEnvironmentBeatsProjectBeatsUserBeatsDefault() {
        let env = ["QCOORD_INVENTORY": "/env/inv.yaml", "QCOORD_RESULTS_DIR": "/env/results"]
        let s = Settings.resolve(flags: [.inventory: "flag.yaml"], environment: env, project: Self.project, user: Self.user,
                                 defaults: [.knownHosts: "/home/u/.ssh/known_hosts"])
        #expect(s[.inventory] == Setting(key: .inventory, value: "flag.yaml", source: .flag))
        #expect(s[.jobResultsDir] == Setting(key: .jobResultsDir, value: "/env/results", source: .environment(variable: "QCOORD_RESULTS_DIR")))
        #expect(s[.arch] == Setting(key: .arch, value: "x86_64,aarch64", source: .projectFile(path: "/src/qemu/qcoord.yaml", line: 5)))
        #expect(s[.python] == Setting(key: .python, value: "/home/u/venv/bin/python", source: .userFile(path: "/home/u/.config/qcoord/config.yaml", line: 3)))
        #expect(s[.knownHosts] == Setting(key: .knownHosts, value: "/home/u/.ssh/known_hosts", source: .default))
    }

    /// Each level alone, removing the ones above it one by one.
    @Test func eachLevelWhenTheOnesAboveAreMissing() {
        let env = ["QCOORD_INVENTORY": "/env/inv.yaml"]
        #expect(Settings.resolve(flags: [:], environment: env, project: Self.project, user: Self.user)[.inventory]?.value == "/env/inv.yaml")
        #expect(Settings.resolve(flags: [:], environment: [:], project: Self.project, user: Self.user)[.inventory]?.value == "/src/qemu/ci-lab.yaml")
        #expect(Settings.resolve(flags: [:], environment: [:], project: nil, user: Self.user)[.inventory]?.value == "/home/u/lab.yaml")
        let none = Settings.resolve(flags: [:], environment: [:], project: nil, user: nil)[.inventory]
        #expect(none == Setting(key: .inventory, value: nil, source: .default))
        // An empty variable is unset.
        #expect(Settings.resolve(flags: [:], environment: ["QCOORD_INVENTORY": ""], project: nil, user: Self.user)[.inventory]?.value == "/home/u/lab.yaml")
    }

    @Test func hostsFlagKeepsTheInventoryOutOfTheFilesAndEnvironment() {
        let s = Settings.resolve(flags: [:], hostsFlag: true, environment: ["QCOORD_INVENTORY": "/env/inv.yaml"],
                                 project: Self.project, user: Self.user)
        #expect(s[.inventory] == Setting(key: .inventory, value: nil, source: .hostsFlag))
        #expect(s[.arch]?.value == "x86_64,aarch64")
    }

    @Test func unknownOrRepeatedKeyNamesTheFileAndLine() {
        #expect(throws: ConfigError(path: "/p/qcoord.yaml", line: 3, message:
            "unknown key 'results-dir'; known keys: inventory, python, job-results-dir, known-hosts, arch")) {
            try ConfigFile(path: "/p/qcoord.yaml", entries: [ConfigEntry(key: "inventory", value: "a", line: 1),
                                                             ConfigEntry(key: "results-dir", value: "b", line: 3)])
        }
        let underscore = #expect(throws: ConfigError.self) {
            try ConfigFile(path: "/p/qcoord.yaml", entries: [ConfigEntry(key: "job_results_dir", value: "b", line: 2)])
        }
        #expect(underscore?.description.hasPrefix("/p/qcoord.yaml:2: unknown key 'job_results_dir' (did you mean 'job-results-dir'?)") == true)
        let twice = #expect(throws: ConfigError.self) {
            try ConfigFile(path: "/p/qcoord.yaml", entries: [ConfigEntry(key: "arch", value: "a", line: 1), ConfigEntry(key: "arch", value: "b", line: 4)])
        }
        #expect(twice?.description == "/p/qcoord.yaml:4: 'arch' is set twice (first on line 1)")
    }

    @Test func renderSaysWhereEachCameFrom() {
        let s = Settings.resolve(flags: [.knownHosts: "kh"], environment: ["QCOORD_RESULTS_DIR": "/r"], project: Self.project, user: Self.user)
        #expect(Settings.render(s) == """
            inventory:       /src/qemu/ci-lab.yaml  (/src/qemu/qcoord.yaml:2)
            python:          /home/u/venv/bin/python  (/home/u/.config/qcoord/config.yaml:3)
            job-results-dir: /r  (QCOORD_RESULTS_DIR)
            known-hosts:     kh  (--known-hosts)
            arch:            x86_64,aarch64  (/src/qemu/qcoord.yaml:5)

            """)
    }
}
