import Foundation

/// One node of a Slurm cluster as `sinfo --json` or `scontrol show node -o` describe it: the
/// facts qcoord needs to choose the nodes of a job before any agent runs there.
public struct SlurmNode: Sendable, Hashable, Codable {
    public var name: String
    /// The node's own architecture (`uname -m` as slurmd reports it), normalized.
    public var arch: String
    public var cpus: Int
    /// Available features, as configured (`qemu-aarch64`, `kvm`, …).
    public var features: [String]
    /// Base state, lowercased: idle, mixed, allocated, down, unknown, …
    public var state: String
    /// State flags, uppercased: DRAIN, NOT_RESPONDING, MAINTENANCE, …
    public var flags: [String]
    public var partitions: [String]
    public var reason: String

    public init(name: String, arch: String = "", cpus: Int = 1, features: [String] = [], state: String = "idle",
                flags: [String] = [], partitions: [String] = [], reason: String = "") {
        self.name = name
        self.arch = arch.isEmpty ? "" : ArchName.normalize(arch)
        self.cpus = cpus
        self.features = features
        self.state = state.lowercased()
        self.flags = flags.map { $0.uppercased() }
        self.partitions = partitions
        self.reason = reason
    }

    /// The QEMU targets the node's features name (`qemu-<target>`, normalized).
    public var qemuTargets: [String] {
        features.compactMap { f in
            let lower = f.lowercased()
            guard lower.hasPrefix("qemu-"), lower.count > 5 else { return nil }
            return ArchName.normalize(String(lower.dropFirst(5)))
        }
    }

    /// Whether the node says it has usable KVM (feature `kvm`).
    public var kvm: Bool { features.contains { $0.lowercased() == "kvm" } }

    static let unusableStates: Set<String> = ["down", "drained", "draining", "fail", "failing", "future", "unknown",
                                              "maint", "reboot_issued", "reboot_requested", "power_down", "powered_down",
                                              "powering_down", "powering_up", "inval", "invalid", "err", "error", "no_respond"]
    static let unusableFlags: Set<String> = ["DRAIN", "DRAINED", "DRAINING", "FAIL", "NOT_RESPONDING", "NO_RESPOND",
                                             "MAINTENANCE", "MAINT", "POWERED_DOWN", "POWER_DOWN", "POWERING_DOWN",
                                             "REBOOT_REQUESTED", "REBOOT_ISSUED", "INVALID_REG", "DOWN"]

    /// Why a job cannot get the node now; nil: it can (idle, mixed or allocated, no flag against it).
    public var unusableReason: String? {
        if Self.unusableStates.contains(state) || state.isEmpty {
            return "state \(state.isEmpty ? "unknown" : state)" + (reason.isEmpty ? "" : " (\(reason))")
        }
        if let flag = flags.first(where: Self.unusableFlags.contains) {
            return "state \(state)+\(flag.lowercased())" + (reason.isEmpty ? "" : " (\(reason))")
        }
        return nil
    }
}

/// Reading Slurm's node listings and choosing a job's nodes (pure: the caller runs the commands).
public enum SlurmNodes {
    public struct ParseError: Error, Hashable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    // MARK: sinfo --json / scontrol show node --json

    /// A string, or a list of strings (features and states are strings in 22.05, lists from 23.02).
    struct StringOrList: Decodable {
        var values: [String]
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { values = [] } else if let s = try? c.decode(String.self) {
                values = s.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else {
                values = try c.decode([String].self)
            }
        }
    }

    /// A number, or Slurm's `{set, infinite, number}` object (23.02+).
    struct SlurmNumber: Decodable {
        var value: Int?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { value = n; return }
            struct Boxed: Decodable { var number: Int? }
            value = (try? c.decode(Boxed.self))?.number
        }
    }

    struct JSONNode: Decodable {
        var name: String
        var architecture: String?
        var cpus: SlurmNumber?
        var features: StringOrList?
        var active_features: StringOrList?
        var state: StringOrList?
        var state_flags: StringOrList?
        var partitions: StringOrList?
        var reason: String?
    }

    struct JSONListing: Decodable {
        struct SinfoEntry: Decodable { var node: JSONNodes? }
        struct JSONNodes: Decodable { var nodes: StringOrList? }
        var nodes: [JSONNode]?
        var errors: [JSONErrorEntry]?
        struct JSONErrorEntry: Decodable { var error: String?; var description: String? }
    }

    /// The nodes of `sinfo --json` (22.05: a top-level `nodes` list) or `scontrol show node --json`.
    /// The first state word is the base state, the others (and `state_flags`) are flags.
    public static func parseJSON(_ text: String) throws -> [SlurmNode] {
        let listing: JSONListing
        do {
            listing = try JSONDecoder().decode(JSONListing.self, from: Data(text.utf8))
        } catch {
            throw ParseError("not Slurm's node JSON: \(error)")
        }
        if let first = listing.errors?.first(where: { ($0.error ?? $0.description) != nil }), listing.nodes == nil {
            throw ParseError("Slurm reports: \(first.error ?? first.description ?? "")")
        }
        guard let nodes = listing.nodes else { throw ParseError("no 'nodes' list in Slurm's JSON") }
        return nodes.map { n in
            let states = n.state?.values ?? []
            var flags = Array(states.dropFirst()) + (n.state_flags?.values ?? [])
            // 22.05 writes combined states lowercased in one word when flags are absent.
            var base = states.first ?? ""
            if base.contains("+") {
                let parts = base.split(separator: "+").map(String.init)
                base = parts[0]
                flags += parts.dropFirst()
            }
            return SlurmNode(name: n.name, arch: n.architecture ?? "", cpus: n.cpus?.value ?? 1,
                             features: (n.active_features?.values.isEmpty == false ? n.active_features : n.features)?.values ?? [],
                             state: base, flags: flags, partitions: n.partitions?.values ?? [], reason: n.reason ?? "")
        }
    }

    // MARK: scontrol show node -o

    /// The nodes of `scontrol show node -o` (one line per node, `Key=Value` words; a word
    /// without `=` continues the previous value, as in `OS=Linux 6.1 #1 SMP`). State is
    /// `BASE[+FLAG…]`, with `*` (not responding), `~` (powered down), `#`, `!`, `%`, `$`, `@` suffixes.
    public static func parseOneLiners(_ text: String) throws -> [SlurmNode] {
        var nodes: [SlurmNode] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("No nodes") { continue }
            var fields: [String: String] = [:]
            var last: String?
            for word in trimmed.split(separator: " ", omittingEmptySubsequences: true) {
                if let eq = word.firstIndex(of: "="), word.startIndex != eq {
                    let key = String(word[..<eq])
                    fields[key] = String(word[word.index(after: eq)...])
                    last = key
                } else if let key = last {
                    fields[key, default: ""] += " " + word
                }
            }
            guard let name = fields["NodeName"], !name.isEmpty else {
                throw ParseError("a line without NodeName= in 'scontrol show node -o': \(trimmed.prefix(80))")
            }
            let featureText = fields["ActiveFeatures"] ?? fields["AvailableFeatures"] ?? fields["Features"] ?? ""
            var stateText = fields["State"] ?? ""
            var flags: [String] = []
            while let lastChar = stateText.last, "*~#!%$@^-".contains(lastChar) {
                if lastChar == "*" { flags.append("NOT_RESPONDING") }
                if lastChar == "~" { flags.append("POWERED_DOWN") }
                stateText.removeLast()
            }
            let parts = stateText.split(separator: "+").map(String.init)
            flags = parts.dropFirst().map { $0.uppercased() } + flags
            nodes.append(SlurmNode(
                name: name, arch: fields["Arch"] ?? "", cpus: Int(fields["CPUTot"] ?? "") ?? 1,
                features: featureText == "(null)" ? [] : featureText.split(separator: ",").map(String.init),
                state: parts.first ?? "", flags: flags,
                partitions: (fields["Partitions"] ?? "").split(separator: ",").map(String.init),
                reason: withoutSetter(fields["Reason"] ?? "")))
        }
        return nodes
    }

    /// `scontrol` appends who set a reason and when (`bios [root@2024-05-01T10:00:00]`); JSON has it apart.
    static func withoutSetter(_ reason: String) -> String {
        guard reason.hasSuffix("]"), let open = reason.range(of: " [", options: .backwards),
              reason[open.upperBound...].contains("@") else { return reason }
        return String(reason[..<open.lowerBound])
    }

    // MARK: choosing a job's nodes

    public struct Choice: Sendable, Hashable {
        /// In the order the job uses them.
        public var nodes: [SlurmNode]
        /// Nodes not taken, each with why (not in the partition, down, drained, not needed …).
        public var left: [(name: String, reason: String)]
        /// Wanted targets no usable node has a feature for (their tests will be CANCEL or run
        /// where an agent finds the binary anyway: the plan decides from the agents' `ready`).
        public var uncovered: [String]

        public static func == (a: Choice, b: Choice) -> Bool {
            a.nodes == b.nodes && a.uncovered == b.uncovered
                && a.left.map(\.name) == b.left.map(\.name) && a.left.map(\.reason) == b.left.map(\.reason)
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(nodes) }
    }

    /// The nodes a job asks Slurm for. Usable nodes of `partition` (all when nil) only; with
    /// `targets` (the job's `--arch` list, normalized), first one node per target that has its
    /// `qemu-<target>` feature (the one that covers the most of the other targets, then by name),
    /// then the others that have any wanted target; without targets, every usable node. At most
    /// `maxNodes`. A cluster whose nodes carry no `qemu-*` feature at all is taken as is (the
    /// agents' `ready` reports tell the plan what each node runs).
    public static func choose(_ all: [SlurmNode], targets: [String]?, partition: String?, maxNodes: Int?) -> Choice {
        var left: [(name: String, reason: String)] = []
        var usable: [SlurmNode] = []
        for node in all.sorted(by: { $0.name < $1.name }) {
            if let partition, !node.partitions.isEmpty, !node.partitions.contains(partition) {
                left.append((node.name, "not in partition \(partition)"))
            } else if let why = node.unusableReason {
                left.append((node.name, why))
            } else {
                usable.append(node)
            }
        }
        let wanted = (targets ?? []).map(ArchName.normalize)
        let anyFeatures = usable.contains { !$0.qemuTargets.isEmpty }
        var chosen: [SlurmNode] = []
        var uncovered: [String] = []
        if wanted.isEmpty || !anyFeatures {
            chosen = usable
        } else {
            let wantedSet = Set(wanted)
            func covers(_ n: SlurmNode) -> Int { Set(n.qemuTargets).intersection(wantedSet).count }
            for target in wanted {
                if chosen.contains(where: { $0.qemuTargets.contains(target) }) { continue }
                let candidates = usable.filter { $0.qemuTargets.contains(target) && !chosen.contains($0) }
                guard let best = candidates.max(by: { (covers($0), $1.name) < (covers($1), $0.name) }) else {
                    uncovered.append(target)
                    continue
                }
                chosen.append(best)
            }
            for node in usable where !chosen.contains(node) {
                if covers(node) > 0 { chosen.append(node) } else { left.append((node.name, "has none of the wanted targets' qemu-* features")) }
            }
        }
        if let maxNodes, chosen.count > maxNodes {
            for node in chosen[maxNodes...] { left.append((node.name, "more than --slurm-nodes \(maxNodes)")) }
            chosen = Array(chosen.prefix(maxNodes))
        }
        left.sort { $0.name < $1.name }
        return Choice(nodes: chosen, left: left, uncovered: uncovered)
    }

    /// A node list for `--nodelist` (names joined by commas; Slurm expands and accepts them as is).
    public static func nodeList(_ nodes: [SlurmNode]) -> String { nodes.map(\.name).joined(separator: ",") }

    /// The job id in salloc's `Granted job allocation 123` (or `Pending job allocation 123`).
    public static func allocationID(inSallocOutput text: String) -> String? {
        for marker in ["Granted job allocation ", "Pending job allocation "] {
            for line in text.split(whereSeparator: \.isNewline) {
                guard let range = line.range(of: marker) else { continue }
                let id = line[range.upperBound...].prefix { $0.isNumber }
                if !id.isEmpty { return String(id) }
            }
        }
        return nil
    }

    /// What a job's state (`squeue -h -j ID -o %T`, empty when the job is gone) means for qcoord:
    /// nil while it runs; else why its allocation ended (cancelled, time limit, node failure …).
    public static func allocationEnded(state: String) -> String? {
        let s = state.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        switch s {
        case "RUNNING", "CONFIGURING", "COMPLETING", "PENDING", "SUSPENDED", "RESIZING", "REQUEUED", "SIGNALING", "STAGE_OUT":
            return nil
        case "": return "the Slurm job is gone"
        case "CANCELLED": return "the Slurm job was cancelled (scancel)"
        case "TIMEOUT", "DEADLINE": return "the Slurm job reached its time limit"
        default: return "the Slurm job ended (\(s))"
        }
    }
}
