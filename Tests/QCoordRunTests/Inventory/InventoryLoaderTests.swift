import Foundation
import Testing
import QCoordCore
@testable import QCoordRun

struct InventoryLoaderTests {
    @Test func readsEveryKeyAndAppliesDefaults() throws {
        let yaml = """
            defaults:
              user: ci
              identity: ~/.ssh/ci_key
              env: {A: "1", B: "2"}
              labels: [lab]
              qemu_path_search: false
            hosts:
              - name: x86-1
                address: 10.231.0.2
                port: 2222
                slots: 4
                python: /usr/bin/python3.11
                qemu_dirs: [/opt/qemu/build, /usr/local/bin]
                qemu_bin: {ppc64le: /opt/q/qemu-system-ppc64, x86_64: /opt/q/qemu-system-x86_64}
                workdir: /srv/tests
                env: {B: "3", C: x}
                labels: [kvm, lab]
                user: root
                qemu_path_search: true
              - name: arm-1
            """
        let inventory = try InventoryLoader.parse(yaml: yaml, file: "hosts.yaml", home: "/home/me")
        #expect(inventory.hosts.count == 2)
        let x86 = inventory.hosts[0]
        #expect(x86 == InventoryHost(
            name: "x86-1", address: "10.231.0.2", port: 2222, user: "root", identity: "/home/me/.ssh/ci_key",
            slots: 4, python: "/usr/bin/python3.11", qemuDirs: ["/opt/qemu/build", "/usr/local/bin"], qemuPathSearch: true,
            qemuBin: ["ppc64": "/opt/q/qemu-system-ppc64", "x86_64": "/opt/q/qemu-system-x86_64"], workdir: "/srv/tests",
            env: ["A": "1", "B": "3", "C": "x"], labels: ["lab", "kvm"]))
        #expect(inventory.hosts[1] == InventoryHost(
            name: "arm-1", address: "arm-1", user: "ci", identity: "/home/me/.ssh/ci_key", qemuPathSearch: false,
            env: ["A": "1", "B": "2"], labels: ["lab"]))
    }

    @Test(arguments: [
        ("hosts:\n  - name: a\n    slot: 2\n",
         "hosts.yaml:3: host 'a': unknown key 'slot' (known: address, asset_cache_max, env, identity, labels, name, port, python, qemu_bin, qemu_dirs, qemu_path_search, slots, tree, user, workdir)"),
        ("hosts:\n  - name: a\n  - name: b\n    port: ssh\n",
         "hosts.yaml:4: host 'b': 'port' must be an integer from 1 to 65535, not 'ssh'"),
        ("hosts:\n  - name: a\n    port: 0\n", "hosts.yaml:3: host 'a': 'port' must be an integer from 1 to 65535, not '0'"),
        ("hosts:\n  - name: a\n    slots: \"2\"\n", "hosts.yaml:3: host 'a': 'slots' must be an integer from 1 to 4096, not '2'"),
        ("hosts:\n  - name: a\n    qemu_path_search: maybe\n", "hosts.yaml:3: host 'a': 'qemu_path_search' must be true or false, not 'maybe'"),
        ("hosts:\n  - name: a\n    qemu_dirs: /opt\n", "hosts.yaml:3: host 'a': 'qemu_dirs' must be a list of strings"),
        ("hosts:\n  - name: a\n    env: [x]\n", "hosts.yaml:3: host 'a': 'env' must be a mapping of names to strings"),
        ("hosts:\n  - name: a\n  - name: a\n", "hosts.yaml:3: duplicate host name 'a' (first at line 2)"),
        ("hosts:\n  - address: a\n", "hosts.yaml:2: host #1: missing 'name'"),
        ("hosts:\n  - just-a-name\n", "hosts.yaml:2: host #1: expected a mapping of keys (name: …, address: …)"),
        ("host:\n  - name: a\n", "hosts.yaml:1: top level: unknown key 'host' (known: defaults, hosts, slurm)"),
        ("defaults:\n  name: x\nhosts:\n  - name: a\n",
         "hosts.yaml:2: defaults: unknown key 'name' (known: asset_cache_max, env, identity, labels, port, python, qemu_bin, qemu_dirs, qemu_path_search, slots, tree, user, workdir)"),
        ("hosts: []\n", "hosts.yaml:1: 'hosts' is empty: give at least one host"),
        ("hosts:\n  - name: a\n    asset_cache_max: lots\n",
         "hosts.yaml:3: host 'a': 'asset_cache_max' must be a size such as 20G, 500M or 1048576 (bytes), not 'lots'"),
        ("defaults: {}\n", "hosts.yaml:1: missing 'hosts:' list"),
        ("- a\n", "hosts.yaml:1: expected a mapping with a 'hosts:' list at the top"),
    ])
    func reportsLineAndKey(yaml: String, message: String) {
        #expect(throws: InventoryError.self) { try InventoryLoader.parse(yaml: yaml, file: "hosts.yaml") }
        do {
            _ = try InventoryLoader.parse(yaml: yaml, file: "hosts.yaml")
        } catch let error as InventoryError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func assetCacheMaxIsASize() throws {
        let inventory = try InventoryLoader.parse(yaml: """
            defaults:
              asset_cache_max: 20G
            hosts:
              - name: a
              - name: b
                asset_cache_max: 512M
              - name: c
                asset_cache_max: 1048576
            """)
        #expect(inventory.hosts.map(\.assetCacheMax) == [20 << 30, 512 << 20, 1 << 20])
    }

    @Test func duplicateKeyIsAnError() throws {
        let error = try #require(throws: InventoryError.self) {
            try InventoryLoader.parse(yaml: "hosts:\n  - name: a\n    port: 22\n    port: 23\n", file: "hosts.yaml")
        }
        #expect(error.description.contains("'port'"))
        #expect(error.description.hasPrefix("hosts.yaml"))
    }

    @Test func invalidYAMLSaysWhere() throws {
        let error = try #require(throws: InventoryError.self) {
            try InventoryLoader.parse(yaml: "hosts:\n  - name: [a\n", file: "bad.yaml")
        }
        #expect(error.line != nil)
        #expect(error.description.hasPrefix("bad.yaml:"))
        #expect(error.description.contains("not valid YAML"))
    }

    @Test func loadsTheExampleOfTheDocs() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/inventory.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let inventory = try InventoryLoader.parse(yaml: String(text[start.upperBound..<end.lowerBound]), file: "docs", home: "/h")
        #expect(inventory.hosts.map(\.name) == ["x86-1", "arm-1", "ppc-1"])
        #expect(inventory.hosts[2].tree == "/h/src/qemu/tests", "tree: expands ~")
        #expect(inventory.hosts[1].tree == nil)
        #expect(inventory.hosts[1].qemuBin == ["aarch64": "/opt/qemu-9/bin/qemu-system-aarch64"])
        #expect(inventory.hosts[1].identity == "/h/.ssh/ci_ed25519")
    }

    @Test func unreadableFileIsReported() {
        #expect(throws: InventoryError.self) { try InventoryLoader.load(path: "/nonexistent/hosts.yaml") }
    }
}

@Suite struct InventorySlurmSectionTests {
    @Test func aSlurmSectionReplacesTheHostList() throws {
        let inventory = try InventoryLoader.parse(yaml: """
            slurm:
              partition: qemu
              account: virt
              nodes: 4
              time: 90
              constraint: kvm
              python: /opt/venv/bin/python3
              shared_tree: ~/qemu
              slots: 2
              env: {QEMU_TEST_FLAKY: "0"}
              srun_args: [--mem=2G]
            """, home: "/home/me")
        #expect(inventory.hosts.isEmpty)
        #expect(inventory.slurm == SlurmSettings(partition: "qemu", account: "virt", nodes: 4, timeMinutes: 90, constraint: "kvm",
                                                 python: "/opt/venv/bin/python3", sharedTree: "/home/me/qemu", slots: 2,
                                                 env: ["QEMU_TEST_FLAKY": "0"], srunArgs: ["--mem=2G"]))
        #expect(try InventoryLoader.parse(yaml: "slurm: {}\n").slurm == SlurmSettings())
    }

    @Test func slurmWithHostsOrUnknownKeysIsRefusedWithItsLine() {
        #expect(throws: InventoryError.self) {
            try InventoryLoader.parse(yaml: "slurm: {partition: p}\nhosts:\n  - name: a\n")
        }
        do {
            _ = try InventoryLoader.parse(yaml: "slurm:\n  partitions: p\n")
            Issue.record("accepted an unknown key")
        } catch let error as InventoryError {
            #expect("\(error)".contains("slurm: unknown key 'partitions'") && error.line == 2)
        } catch {
            Issue.record("\(error)")
        }
    }
}
