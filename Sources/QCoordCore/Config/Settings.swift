/// The defaults people repeat on every command line, from config files and the environment
/// (`qcoord config show`): `~/.config/qcoord/config.yaml` (the user's), `qcoord.yaml` of the
/// current tree (the project's), `QCOORD_*` variables. Keys are named as the long flags.
///
/// Precedence, one decision (`Settings.resolve`): flag > environment > project file > user
/// file > built-in default.
public enum SettingKey: String, CaseIterable, Sendable, Hashable, Comparable {
    case inventory
    case python
    case jobResultsDir = "job-results-dir"
    case knownHosts = "known-hosts"
    case arch

    /// The environment variable that sets it, when there is one.
    public var environmentVariable: String? {
        switch self {
        case .inventory: "QCOORD_INVENTORY"
        case .jobResultsDir: "QCOORD_RESULTS_DIR"
        case .python, .knownHosts, .arch: nil
        }
    }

    /// A path: relative values in a config file are relative to that file's directory.
    public var isPath: Bool {
        switch self {
        case .inventory, .jobResultsDir, .knownHosts: true
        case .python, .arch: false
        }
    }

    public static func < (a: SettingKey, b: SettingKey) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where an effective value came from.
public enum SettingSource: Sendable, Hashable {
    case flag
    case environment(variable: String)
    case projectFile(path: String, line: Int)
    case userFile(path: String, line: Int)
    /// The inventory when `--hosts` was given: not taken from anywhere.
    case hostsFlag
    case `default`

    /// `--inventory`, `QCOORD_INVENTORY`, `./qcoord.yaml:3`, `default`.
    public func describe(_ key: SettingKey) -> String {
        switch self {
        case .flag: "--\(key.rawValue)"
        case .environment(let variable): variable
        case .projectFile(let path, let line), .userFile(let path, let line): "\(path):\(line)"
        case .hostsFlag: "not used: --hosts given"
        case .default: "default"
        }
    }
}

/// One `key: value` of a config file, with its line (1-based).
public struct ConfigEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    public var line: Int

    public init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// A config file's entries, checked: every key known.
public struct ConfigFile: Sendable, Hashable {
    public var path: String
    public var values: [SettingKey: (value: String, line: Int)] {
        var out: [SettingKey: (value: String, line: Int)] = [:]
        for e in entries { if let k = SettingKey(rawValue: e.key) { out[k] = (e.value, e.line) } }
        return out
    }
    public private(set) var entries: [ConfigEntry]

    /// Fails on the first unknown or repeated key, naming the file and line.
    public init(path: String, entries: [ConfigEntry]) throws(ConfigError) {
        var seen: [String: Int] = [:]
        for e in entries {
            guard SettingKey(rawValue: e.key) != nil else {
                throw ConfigError(path: path, line: e.line, message: ConfigError.unknownKey(e.key))
            }
            if let first = seen[e.key] {
                throw ConfigError(path: path, line: e.line, message: "'\(e.key)' is set twice (first on line \(first))")
            }
            seen[e.key] = e.line
        }
        self.path = path
        self.entries = entries
    }
}

/// A config file that cannot be used: `FILE:LINE: message`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }

    static func unknownKey(_ key: String) -> String {
        let known = SettingKey.allCases.map(\.rawValue).joined(separator: ", ")
        let hint = key.hasPrefix("--") ? " (write the flag's name without '--')"
            : key.contains("_") && SettingKey(rawValue: key.replacingOccurrences(of: "_", with: "-")) != nil
            ? " (did you mean '\(key.replacingOccurrences(of: "_", with: "-"))'?)" : ""
        return "unknown key '\(key)'\(hint); known keys: \(known)"
    }
}

/// One effective setting and its source.
public struct Setting: Sendable, Hashable {
    public var key: SettingKey
    /// nil: not set anywhere (the command's built-in behaviour applies).
    public var value: String?
    public var source: SettingSource

    public init(key: SettingKey, value: String?, source: SettingSource) {
        self.key = key
        self.value = value
        self.source = source
    }
}

public enum Settings {
    /// The effective value of every key: flag > environment > project file > user file >
    /// default. An empty environment variable counts as unset. `defaults` gives the built-in
    /// value shown for a key nothing sets (nil: none).
    ///
    /// `--hosts` given: the inventory is not taken from a file or the environment (the two
    /// cannot be combined; the flag names the hosts of this run).
    public static func resolve(flags: [SettingKey: String], hostsFlag: Bool = false, environment: [String: String],
                               project: ConfigFile?, user: ConfigFile?,
                               defaults: [SettingKey: String] = [:]) -> [SettingKey: Setting] {
        var out: [SettingKey: Setting] = [:]
        let projectValues = project?.values ?? [:]
        let userValues = user?.values ?? [:]
        for key in SettingKey.allCases {
            if let v = flags[key] {
                out[key] = Setting(key: key, value: v, source: .flag)
            } else if key == .inventory && hostsFlag {
                out[key] = Setting(key: key, value: nil, source: .hostsFlag)
            } else if let name = key.environmentVariable, let v = environment[name], !v.isEmpty {
                out[key] = Setting(key: key, value: v, source: .environment(variable: name))
            } else if let project, let v = projectValues[key] {
                out[key] = Setting(key: key, value: v.value, source: .projectFile(path: project.path, line: v.line))
            } else if let user, let v = userValues[key] {
                out[key] = Setting(key: key, value: v.value, source: .userFile(path: user.path, line: v.line))
            } else {
                out[key] = Setting(key: key, value: defaults[key], source: .default)
            }
        }
        return out
    }

    /// `qcoord config show`: one line per key, `key: value  (source)`; `(not set)` for a key
    /// nothing sets and that has no default.
    public static func render(_ settings: [SettingKey: Setting]) -> String {
        let width = SettingKey.allCases.map(\.rawValue.count).max() ?? 0
        var out = ""
        for key in SettingKey.allCases {
            guard let s = settings[key] else { continue }
            let name = key.rawValue + ":" + String(repeating: " ", count: width - key.rawValue.count)
            out += "\(name) \(s.value ?? "(not set)")  (\(s.source.describe(key)))\n"
        }
        return out
    }
}
