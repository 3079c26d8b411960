import Foundation
import Testing
@testable import QCoordCore

/// Output captured from the Slurm 22.05 testbed (deploy/testbed/slurm.sh): h1 x86_64+i386,
/// h2 aarch64+arm, h3 ppc+ppc64+riscv64; "mixed-states": h1 running a job, h2 DOWN, h3 DRAIN.
private func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/slurm/" + name)
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite struct SlurmNodesParseTests {
    static let idle = [
        SlurmNode(name: "h1", arch: "x86_64", cpus: 2, features: ["qemu-i386", "qemu-x86_64"], state: "idle", partitions: ["qcoord"]),
        SlurmNode(name: "h2", arch: "x86_64", cpus: 2, features: ["qemu-aarch64", "qemu-arm"], state: "idle", partitions: ["qcoord"]),
        SlurmNode(name: "h3", arch: "x86_64", cpus: 2, features: ["qemu-ppc", "qemu-ppc64", "qemu-riscv64"], state: "idle",
                  partitions: ["qcoord"]),
    ]

    @Test func sinfoJSONOf2205() throws {
        let nodes = try SlurmNodes.parseJSON(try fixture("sinfo-22.05-idle.json"))
        #expect(nodes == Self.idle)
        #expect(nodes.map(\.qemuTargets) == [["i386", "x86_64"], ["aarch64", "arm"], ["ppc", "ppc64", "riscv64"]])
        #expect(nodes.allSatisfy { $0.unusableReason == nil })
    }

    @Test func scontrolOneLinersGiveTheSameNodes() throws {
        #expect(try SlurmNodes.parseOneLiners(try fixture("scontrol-node-22.05-idle.txt")) == Self.idle)
    }

    @Test func downDrainedAndBusyNodesFromBothFormats() throws {
        for nodes in [try SlurmNodes.parseJSON(try fixture("sinfo-22.05-mixed-states.json")),
                      try SlurmNodes.parseOneLiners(try fixture("scontrol-node-22.05-mixed-states.txt"))] {
            #expect(nodes.map(\.name) == ["h1", "h2", "h3"])
            #expect(nodes[0].state == "mixed" && nodes[0].unusableReason == nil)
            #expect(nodes[1].state == "down")
            #expect(nodes[1].unusableReason == "state down (node gone)")
            #expect(nodes[2].flags.contains("DRAIN"))
            #expect(nodes[2].unusableReason == "state idle+drain (qcoord fixture)")
        }
    }

    @Test func laterSlurmShapesAreReadToo() throws {
        // 23.02+: features and states as lists, numbers as {set, number} objects.
        let json = """
            {"nodes": [{"name": "a1", "architecture": "aarch64", "cpus": {"set": true, "infinite": false, "number": 64},
              "features": ["qemu-aarch64", "kvm"], "active_features": ["qemu-aarch64", "kvm"],
              "state": ["IDLE", "DRAIN"], "partitions": ["arm"], "reason": "bios"}], "errors": []}
            """
        let node = try #require(try SlurmNodes.parseJSON(json).first)
        #expect(node == SlurmNode(name: "a1", arch: "aarch64", cpus: 64, features: ["qemu-aarch64", "kvm"], state: "idle",
                                  flags: ["DRAIN"], partitions: ["arm"], reason: "bios"))
        #expect(node.kvm && node.qemuTargets == ["aarch64"])
    }

    @Test func notSlurmJSONIsAnError() {
        #expect(throws: SlurmNodes.ParseError.self) { try SlurmNodes.parseJSON("{\"jobs\": []}") }
        #expect(throws: SlurmNodes.ParseError.self) { try SlurmNodes.parseJSON("sinfo: error: unrecognized option") }
        #expect(throws: SlurmNodes.ParseError.self) { try SlurmNodes.parseOneLiners("Arch=x86_64 CPUTot=2") }
    }

    @Test func oneLinerStateSuffixesAreFlags() throws {
        let nodes = try SlurmNodes.parseOneLiners("""
            NodeName=n1 Arch=aarch64 CPUTot=8 AvailableFeatures=(null) State=IDLE* Partitions=p
            NodeName=n2 Arch=ppc64le CPUTot=4 Features=qemu-ppc64 State=ALLOCATED+COMPLETING Reason=none [root@2024]
            """)
        #expect(nodes[0].flags == ["NOT_RESPONDING"] && nodes[0].features.isEmpty && nodes[0].arch == "aarch64")
        #expect(nodes[0].unusableReason == "state idle+not_responding")
        #expect(nodes[1].arch == "ppc64" && nodes[1].flags == ["COMPLETING"] && nodes[1].unusableReason == nil)
        #expect(nodes[1].reason == "none")
    }
}

@Suite struct SlurmNodesChoiceTests {
    let nodes = SlurmNodesParseTests.idle

    @Test func everyUsableNodeWithoutTargets() {
        let choice = SlurmNodes.choose(nodes, targets: nil, partition: nil, maxNodes: nil)
        #expect(choice.nodes.map(\.name) == ["h1", "h2", "h3"] && choice.left.isEmpty)
    }

    @Test func oneNodePerTargetFirstThenTheNodesLimit() {
        let choice = SlurmNodes.choose(nodes, targets: ["ppc64", "x86_64"], partition: "qcoord", maxNodes: nil)
        #expect(choice.nodes.map(\.name) == ["h3", "h1"])
        #expect(choice.left.map(\.name) == ["h2"] && choice.left[0].reason.contains("none of the wanted"))
        let capped = SlurmNodes.choose(nodes, targets: ["x86_64", "aarch64", "ppc64"], partition: nil, maxNodes: 2)
        #expect(capped.nodes.map(\.name) == ["h1", "h2"] && capped.left.map(\.reason) == ["more than --slurm-nodes 2"])
    }

    @Test func theNodeCoveringMostTargetsWins() {
        let both = SlurmNode(name: "h9", arch: "x86_64", cpus: 8, features: ["qemu-x86_64", "qemu-aarch64"], partitions: ["qcoord"])
        let choice = SlurmNodes.choose(nodes + [both], targets: ["x86_64", "aarch64"], partition: nil, maxNodes: 1)
        #expect(choice.nodes.map(\.name) == ["h9"] && choice.uncovered.isEmpty)
    }

    @Test func downNodesOtherPartitionsAndUncoveredTargets() throws {
        let mixed = try SlurmNodes.parseJSON(try fixture("sinfo-22.05-mixed-states.json"))
        let choice = SlurmNodes.choose(mixed, targets: ["x86_64", "aarch64", "s390x"], partition: "qcoord", maxNodes: nil)
        #expect(choice.nodes.map(\.name) == ["h1"])
        #expect(choice.uncovered == ["aarch64", "s390x"])
        #expect(choice.left.map(\.name) == ["h2", "h3"])
        let other = SlurmNodes.choose(mixed, targets: nil, partition: "gpu", maxNodes: nil)
        #expect(other.nodes.isEmpty && other.left.allSatisfy { $0.reason == "not in partition gpu" })
    }

    @Test func featurelessClustersAreTakenAsTheyAre() {
        let plain = [SlurmNode(name: "c1", cpus: 4), SlurmNode(name: "c2", cpus: 4)]
        #expect(SlurmNodes.choose(plain, targets: ["aarch64"], partition: nil, maxNodes: nil).nodes.count == 2)
    }

    @Test func sallocOutputAndJobStates() {
        #expect(SlurmNodes.allocationID(inSallocOutput: "salloc: Granted job allocation 4\n") == "4")
        #expect(SlurmNodes.allocationID(inSallocOutput: "salloc: Pending job allocation 17\nsalloc: job 17 queued") == "17")
        #expect(SlurmNodes.allocationID(inSallocOutput: "salloc: error: invalid partition") == nil)
        #expect(SlurmNodes.allocationEnded(state: "RUNNING\n") == nil)
        #expect(SlurmNodes.allocationEnded(state: "CANCELLED")?.contains("scancel") == true)
        #expect(SlurmNodes.allocationEnded(state: "TIMEOUT")?.contains("time limit") == true)
        #expect(SlurmNodes.allocationEnded(state: "") == "the Slurm job is gone")
    }

    @Test func settingsFromTheCommandLineOverTheInventory() {
        let inventory = SlurmSettings(partition: "lab", nodes: 8, python: "/opt/py/bin/python3", sharedTree: "/nfs/qemu")
        let merged = inventory.overridden(by: SlurmSettings(nodes: 2, timeMinutes: 30))
        #expect(merged == SlurmSettings(partition: "lab", nodes: 2, timeMinutes: 30, python: "/opt/py/bin/python3",
                                        sharedTree: "/nfs/qemu"))
    }
}
