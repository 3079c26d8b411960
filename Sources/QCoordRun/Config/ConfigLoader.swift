import Foundation
import QCoordCore
import Yams

/// Finds and reads qcoord's config files (docs/config.md): the user's
/// `$XDG_CONFIG_HOME/qcoord/config.yaml` (`~/.config/qcoord/config.yaml`) and the project's
/// `qcoord.yaml`, looked for from the current directory up to the top of its git checkout.
/// The precedence itself is `Settings.resolve` (QCoordCore).
public enum ConfigLoader {
    public static let projectFileName = "qcoord.yaml"

    /// The user's config file (it need not exist).
    public static func userPath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/qcoord/config.yaml" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/qcoord/config.yaml"
    }

    /// The project's `qcoord.yaml`: in `cwd`, else in a parent up to the directory holding
    /// `.git` (outside a git checkout only `cwd` is looked in); nil when there is none.
    public static func projectPath(cwd: String) -> String? {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: cwd).standardizedFileURL.path
        var inGit = false
        var walk = dir
        while true {
            if fm.fileExists(atPath: walk + "/.git") { inGit = true; break }
            let parent = (walk as NSString).deletingLastPathComponent
            if parent == walk || parent.isEmpty { break }
            walk = parent
        }
        while true {
            let candidate = (dir == "/" ? "" : dir) + "/" + projectFileName
            if fm.fileExists(atPath: candidate) { return candidate }
            if !inGit || fm.fileExists(atPath: dir + "/.git") { return nil }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return nil }
            dir = parent
        }
    }

    /// Reads a config file; nil when it does not exist.
    public static func load(path: String, home: String?) throws(ConfigError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: nil, message: "cannot read it (\(error.localizedDescription))")
        }
        return try parse(yaml: text, path: path, home: home)
    }

    /// Parses a config file's YAML: a mapping of keys (the long flags' names) to values; a
    /// path value relative to the file's directory; `arch` also as a list.
    public static func parse(yaml: String, path: String, home: String?) throws(ConfigError) -> ConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(path: path, line: InventoryLoader.line(of: error), message: "not valid YAML: \(error)")
        } catch {
            throw ConfigError(path: path, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { return try ConfigFile(path: path, entries: []) }
        guard case .mapping(let top) = root else {
            throw ConfigError(path: path, line: root.mark?.line, message: "expected 'key: value' lines, e.g. 'job-results-dir: ~/results'")
        }
        let base = (path as NSString).deletingLastPathComponent
        var entries: [ConfigEntry] = []
        for (keyNode, valueNode) in top {
            let line = keyNode.mark?.line ?? 0
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(path: path, line: line, message: "a key must be a plain name")
            }
            let key = keyScalar.string
            let value: String
            switch valueNode {
            case .scalar(let s):
                value = s.string
            case .sequence(let items) where key == SettingKey.arch.rawValue:
                value = try items.map { (item) throws(ConfigError) -> String in
                    guard case .scalar(let s) = item else {
                        throw ConfigError(path: path, line: item.mark?.line ?? line, message: "'arch': a list of arch names")
                    }
                    return s.string
                }.joined(separator: ",")
            default:
                // An unknown key first: its error is the more useful one.
                if SettingKey(rawValue: key) == nil { _ = try ConfigFile(path: path, entries: [ConfigEntry(key: key, value: "", line: line)]) }
                throw ConfigError(path: path, line: line, message: "'\(key)' takes one value")
            }
            guard !value.isEmpty else { throw ConfigError(path: path, line: line, message: "'\(key)' has no value") }
            let known = SettingKey(rawValue: key)
            entries.append(ConfigEntry(key: key, value: known?.isPath == true ? resolvePath(value, base: base, home: home) : value,
                                       line: line))
        }
        return try ConfigFile(path: path, entries: entries)
    }

    /// `~/x` against `home`, a relative path against the config file's directory.
    static func resolvePath(_ value: String, base: String, home: String?) -> String {
        if value.hasPrefix("/") { return value }
        if let home, value == "~" || value.hasPrefix("~/") { return home + value.dropFirst() }
        return (base.isEmpty ? "." : base) + "/" + value
    }

    /// The effective settings of this invocation: the given flags over the environment, the
    /// project's file and the user's (Settings.resolve).
    public static func effective(flags: [SettingKey: String], hostsFlag: Bool = false,
                                 environment: [String: String], cwd: String,
                                 defaults: [SettingKey: String] = [:]) throws(ConfigError) -> [SettingKey: Setting] {
        let home = environment["HOME"]
        let user = try userPath(environment: environment).flatMap { (p) throws(ConfigError) in try load(path: p, home: home) }
        let project = try projectPath(cwd: cwd).flatMap { (p) throws(ConfigError) in try load(path: p, home: home) }
        return Settings.resolve(flags: flags, hostsFlag: hostsFlag, environment: environment,
                                project: project, user: user, defaults: defaults)
    }
}
