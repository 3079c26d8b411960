import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

@Suite struct ConfigLoaderTests {
    @Test func keysNamedAsTheLongFlagsPathsRelativeToTheFile() throws {
        let yaml = """
            # lab defaults
            inventory: lab.yaml
            job-results-dir: ~/results
            known-hosts: /etc/qcoord/known_hosts
            python: python3.11
            arch: [x86_64, aarch64]
            """
        let file = try ConfigLoader.parse(yaml: yaml, path: "/src/qemu/qcoord.yaml", home: "/home/u")
        #expect(file.entries == [
            ConfigEntry(key: "inventory", value: "/src/qemu/lab.yaml", line: 2),
            ConfigEntry(key: "job-results-dir", value: "/home/u/results", line: 3),
            ConfigEntry(key: "known-hosts", value: "/etc/qcoord/known_hosts", line: 4),
            ConfigEntry(key: "python", value: "python3.11", line: 5),
            ConfigEntry(key: "arch", value: "x86_64,aarch64", line: 6),
        ])
        #expect(try ConfigLoader.parse(yaml: "arch: x86_64,s390x\n", path: "/p/qcoord.yaml", home: nil).values[.arch]?.value == "x86_64,s390x")
        #expect(try ConfigLoader.parse(yaml: "# nothing yet\n", path: "/p/qcoord.yaml", home: nil).entries.isEmpty)
    }

    @Test func unknownKeyIsAnErrorNamingTheFileAndLine() {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: "inventory: a.yaml\n\nresults: /tmp/r\n", path: "/p/qcoord.yaml", home: nil)
        }
        #expect(error?.description.hasPrefix("/p/qcoord.yaml:3: unknown key 'results'; known keys: inventory") == true, "\(String(describing: error))")
        let nested = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: "run:\n  arch: x86_64\n", path: "/p/qcoord.yaml", home: nil)
        }
        #expect(nested?.description.hasPrefix("/p/qcoord.yaml:1: unknown key 'run'") == true, "\(String(describing: nested))")
        let list = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: "python:\n  - a\n", path: "/p/qcoord.yaml", home: nil)
        }
        #expect(list?.description == "/p/qcoord.yaml:1: 'python' takes one value")
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: "- a\n", path: "/p/qcoord.yaml", home: nil) }
        let bad = #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: "a: [\n", path: "/p/qcoord.yaml", home: nil) }
        #expect(bad?.description.hasPrefix("/p/qcoord.yaml:") == true)
    }

    @Test func userFileHonoursXDGConfigHome() {
        #expect(ConfigLoader.userPath(environment: ["HOME": "/home/u"]) == "/home/u/.config/qcoord/config.yaml")
        #expect(ConfigLoader.userPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/x"]) == "/x/qcoord/config.yaml")
        // A relative XDG_CONFIG_HOME is invalid (the XDG spec): ignored.
        #expect(ConfigLoader.userPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "rel"]) == "/home/u/.config/qcoord/config.yaml")
    }

    /// qcoord.yaml in the current directory or a parent inside the same git checkout.
    @Test func projectFileFromTheCurrentDirectoryUpToTheCheckoutTop() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "qcoord-config-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/repo/.git", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/repo/tests/functional", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/plain/sub", withIntermediateDirectories: true)
        // Above the checkout: never taken.
        try "arch: s390x\n".write(toFile: root + "/qcoord.yaml", atomically: true, encoding: .utf8)
        #expect(ConfigLoader.projectPath(cwd: root + "/repo/tests/functional") == nil)
        try "arch: x86_64\n".write(toFile: root + "/repo/qcoord.yaml", atomically: true, encoding: .utf8)
        #expect(ConfigLoader.projectPath(cwd: root + "/repo/tests/functional") == root + "/repo/qcoord.yaml")
        #expect(ConfigLoader.projectPath(cwd: root + "/repo") == root + "/repo/qcoord.yaml")
        // Outside git: the current directory only.
        #expect(ConfigLoader.projectPath(cwd: root + "/plain/sub") == nil)
        #expect(ConfigLoader.projectPath(cwd: root) == root + "/qcoord.yaml")
    }

    @Test func effectiveSettingsFromBothFilesAndTheEnvironment() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "qcoord-config-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/xdg/qcoord", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        try "inventory: user-lab.yaml\npython: /opt/py\n".write(toFile: root + "/xdg/qcoord/config.yaml", atomically: true, encoding: .utf8)
        try "inventory: lab.yaml\n".write(toFile: root + "/work/qcoord.yaml", atomically: true, encoding: .utf8)
        let env = ["HOME": root, "XDG_CONFIG_HOME": root + "/xdg", "QCOORD_RESULTS_DIR": "/r"]
        let s = try ConfigLoader.effective(flags: [:], environment: env, cwd: root + "/work")
        #expect(s[.inventory] == Setting(key: .inventory, value: root + "/work/lab.yaml", source: .projectFile(path: root + "/work/qcoord.yaml", line: 1)))
        #expect(s[.python] == Setting(key: .python, value: "/opt/py", source: .userFile(path: root + "/xdg/qcoord/config.yaml", line: 2)))
        #expect(s[.jobResultsDir]?.source == .environment(variable: "QCOORD_RESULTS_DIR"))
        try "bogus: 1\n".write(toFile: root + "/xdg/qcoord/config.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try ConfigLoader.effective(flags: [:], environment: env, cwd: root + "/work") }
    }
}
