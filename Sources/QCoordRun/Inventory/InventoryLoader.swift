import Foundation
import QCoordCore
import Yams

/// Reads the YAML inventory format of docs/inventory.md.
///
/// Works on Yams nodes, not Codable, because nodes carry their line (`mark`): every unknown
/// key and bad value is reported with its line and key.
public enum InventoryLoader {
    static let hostKeys: Set<String> = [
        "name", "address", "port", "user", "identity", "slots", "python", "qemu_dirs",
        "qemu_path_search", "qemu_bin", "workdir", "tree", "env", "labels",
        "asset_cache_max",
    ]
    static let defaultKeys = hostKeys.subtracting(["name", "address"])
    static let slurmKeys: Set<String> = [
        "partition", "account", "nodes", "time", "constraint", "python", "shared_tree", "slots", "env", "srun_args",
    ]

    /// Loads `path`; `~` in `identity` is expanded against `home`.
    public static func load(path: String, home: String? = nil) throws -> Inventory {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InventoryError(file: path, line: nil, message: "cannot read the inventory file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: path, home: home ?? ProcessInfo.processInfo.environment["HOME"])
    }

    /// Parses inventory YAML; `file` names it in errors.
    public static func parse(yaml: String, file: String = "inventory", home: String? = nil) throws -> Inventory {
        let reader = NodeReader(file: file, home: home)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw InventoryError(file: file, line: Self.line(of: error), message: "not valid YAML: \(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw InventoryError(file: file, line: root?.mark?.line, message: "expected a mapping with a 'hosts:' list at the top")
        }
        var defaults = InventoryHost(name: "")
        var hostsNode: Node?
        var slurm: SlurmSettings?
        for (keyNode, value) in top {
            let key = try reader.key(keyNode, context: "top level")
            switch key {
            case "defaults":
                let fields = try reader.mapping(value, key: key, context: "defaults", allowed: defaultKeys)
                defaults = try reader.apply(fields, to: defaults, context: "defaults")
            case "hosts":
                hostsNode = value
            case "slurm":
                slurm = try reader.slurm(value)
            default:
                throw reader.error(keyNode, "top level: unknown key '\(key)' (known: defaults, hosts, slurm)")
            }
        }
        if let slurm {
            // The nodes come from Slurm: a list of hosts beside it would be a second pool.
            if let hostsNode { throw reader.error(hostsNode, "'hosts' and 'slurm' cannot be combined: Slurm gives the hosts") }
            return Inventory(hosts: [], slurm: slurm)
        }
        guard let hostsNode else {
            throw InventoryError(file: file, line: root.mark?.line, message: "missing 'hosts:' list")
        }
        guard case .sequence(let list) = hostsNode else {
            throw reader.error(hostsNode, "'hosts' must be a list of hosts")
        }
        guard !list.isEmpty else { throw reader.error(hostsNode, "'hosts' is empty: give at least one host") }
        var hosts: [InventoryHost] = []
        var firstLine: [String: Int] = [:]
        for (index, item) in list.enumerated() {
            var context = "host #\(index + 1)"
            if case .mapping(let mapping) = item, let given = mapping["name"]?.scalar?.string, !given.isEmpty {
                context = "host '\(given)'"
            }
            let fields = try reader.mapping(item, key: "hosts", context: context, allowed: hostKeys)
            guard let nameField = fields.first(where: { $0.key == "name" }) else {
                throw reader.error(item, "\(context): missing 'name'")
            }
            let name = try reader.string(nameField.value, key: "name", context: context)
            guard !name.isEmpty else { throw reader.error(nameField.value, "host #\(index + 1): 'name' is empty") }
            if let first = firstLine[name] {
                throw reader.error(nameField.value, "duplicate host name '\(name)' (first at line \(first))")
            }
            firstLine[name] = nameField.value.mark?.line ?? 0
            var host = defaults
            host.name = name
            host.address = name
            host = try reader.apply(fields, to: host, context: "host '\(name)'", mergingWith: defaults)
            hosts.append(host)
        }
        return Inventory(hosts: hosts)
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Typed reads of Yams nodes that fail with file, line and key.
struct NodeReader {
    let file: String
    let home: String?

    func error(_ node: Node, _ message: String) -> InventoryError {
        InventoryError(file: file, line: node.mark?.line, message: message)
    }

    func key(_ node: Node, context: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "\(context): keys must be plain names") }
        return scalar.string
    }

    func mapping(_ node: Node, key: String, context: String, allowed: Set<String>) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, "\(context): expected a mapping of keys (name: …, address: …)")
        }
        var seen = Set<String>()
        var fields: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            let name = try self.key(keyNode, context: context)
            guard allowed.contains(name) else {
                throw error(keyNode, "\(context): unknown key '\(name)' (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else { throw error(keyNode, "\(context): '\(name)' given twice") }
            fields.append((name, keyNode, value))
        }
        return fields
    }

    func string(_ node: Node, key: String, context: String) throws -> String {
        guard case .scalar(let scalar) = node, node.null == nil || scalar.style != .plain else {
            throw error(node, "\(context): '\(key)' must be a string")
        }
        return scalar.string
    }

    func integer(_ node: Node, key: String, context: String, range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.int, range.contains(value) else {
            let shown = node.scalar?.string ?? "a \(kind(node))"
            throw error(node, "\(context): '\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(shown)'")
        }
        return value
    }

    func boolean(_ node: Node, key: String, context: String) throws -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.bool else {
            throw error(node, "\(context): '\(key)' must be true or false, not '\(node.scalar?.string ?? kind(node))'")
        }
        return value
    }

    func strings(_ node: Node, key: String, context: String) throws -> [String] {
        guard case .sequence(let sequence) = node else {
            throw error(node, "\(context): '\(key)' must be a list of strings")
        }
        return try sequence.map { try string($0, key: key, context: context) }
    }

    func stringMap(_ node: Node, key: String, context: String) throws -> [String: String] {
        guard case .mapping(let mapping) = node else {
            throw error(node, "\(context): '\(key)' must be a mapping of names to strings")
        }
        var result: [String: String] = [:]
        for (k, v) in mapping {
            let name = try self.key(k, context: "\(context) '\(key)'")
            result[name] = try string(v, key: "\(key).\(name)", context: context)
        }
        return result
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }

    /// The `slurm:` section (docs/slurm.md).
    func slurm(_ node: Node) throws -> SlurmSettings {
        var s = SlurmSettings()
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return s }
        for (key, keyNode, value) in try mapping(node, key: "slurm", context: "slurm", allowed: InventoryLoader.slurmKeys) {
            _ = keyNode
            switch key {
            case "partition": s.partition = try string(value, key: key, context: "slurm")
            case "account": s.account = try string(value, key: key, context: "slurm")
            case "nodes": s.nodes = try integer(value, key: key, context: "slurm", range: 1...100_000)
            case "time": s.timeMinutes = try integer(value, key: key, context: "slurm", range: 1...10_000_000)
            case "constraint": s.constraint = try string(value, key: key, context: "slurm")
            case "python": s.python = try string(value, key: key, context: "slurm")
            case "shared_tree": s.sharedTree = expandHome(try string(value, key: key, context: "slurm"))
            case "slots": s.slots = try integer(value, key: key, context: "slurm", range: 1...4096)
            case "env": s.env = try stringMap(value, key: key, context: "slurm")
            case "srun_args": s.srunArgs = try strings(value, key: key, context: "slurm")
            default: throw error(value, "slurm: unknown key '\(key)'")
            }
        }
        return s
    }

    func expandHome(_ path: String) -> String {
        guard let home, path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    /// Sets each field on `host`. With `defaults`, `env` maps are merged (the host wins) and
    /// `labels` are added to the default labels; every other key replaces the default.
    func apply(_ fields: [(key: String, keyNode: Node, value: Node)], to host: InventoryHost, context: String,
               mergingWith defaults: InventoryHost? = nil) throws -> InventoryHost {
        var host = host
        for (key, _, value) in fields {
            switch key {
            case "name": host.name = try string(value, key: key, context: context)
            case "address":
                host.address = try string(value, key: key, context: context)
                guard !host.address.isEmpty else { throw error(value, "\(context): 'address' is empty") }
            case "port": host.port = try integer(value, key: key, context: context, range: 1...65535)
            case "user": host.user = try string(value, key: key, context: context)
            case "identity": host.identity = expandHome(try string(value, key: key, context: context))
            case "slots": host.slots = try integer(value, key: key, context: context, range: 1...4096)
            case "python": host.python = try string(value, key: key, context: context)
            case "qemu_dirs": host.qemuDirs = try strings(value, key: key, context: context)
            case "qemu_path_search": host.qemuPathSearch = try boolean(value, key: key, context: context)
            case "qemu_bin":
                var map: [String: String] = [:]
                for (arch, path) in try stringMap(value, key: key, context: context) {
                    map[ArchName.normalize(arch)] = path
                }
                host.qemuBin = map
            case "workdir": host.workdir = try string(value, key: key, context: context)
            case "tree":
                let tree = expandHome(try string(value, key: key, context: context))
                guard !tree.isEmpty else { throw error(value, "\(context): 'tree' is empty") }
                host.tree = tree
            case "asset_cache_max":
                let text = try string(value, key: key, context: context)
                guard let bytes = ByteSize.parse(text) else {
                    throw error(value, "\(context): 'asset_cache_max' must be a size such as 20G, 500M or 1048576 (bytes), not '\(text)'")
                }
                host.assetCacheMax = bytes
            case "env":
                let own = try stringMap(value, key: key, context: context)
                host.env = (defaults?.env ?? [:]).merging(own) { $1 }
            case "labels":
                let own = try strings(value, key: key, context: context)
                let base = defaults?.labels ?? []
                host.labels = base + own.filter { !base.contains($0) }
            default:
                throw error(value, "\(context): unknown key '\(key)'")
            }
        }
        return host
    }
}
