import ArgumentParser
import Foundation
import QCoordCore
import QCoordRun

extension QCoord {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "qcoord's settings from config files and the environment.",
            discussion: """
            The defaults people repeat — inventory, python, job-results-dir, known-hosts, arch — \
            can live in ~/.config/qcoord/config.yaml ($XDG_CONFIG_HOME/qcoord/config.yaml) and in \
            qcoord.yaml of the current tree, keys named as the long flags ('job-results-dir: DIR'). \
            QCOORD_INVENTORY and QCOORD_RESULTS_DIR set the inventory and the results directory. \
            A flag beats the environment, which beats ./qcoord.yaml, which beats the user's file. \
            See docs/config.md.
            """,
            subcommands: [Show.self]
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the effective settings and where each came from (a flag given here counts as given to run).")

            @OptionGroup var flags: SettingFlags

            func run() throws {
                let settings = try ConfigDefaults.effective(flags.given, hostsFlag: flags.hosts != nil, builtIn: ConfigDefaults.builtIn)
                print(Settings.render(settings), terminator: "")
                // Which files were looked at, so a missing one is no mystery.
                let environment = ProcessInfo.processInfo.environment
                let user = ConfigLoader.userPath(environment: environment)
                print("\nuser file:    " + (user.map { $0 + (FileManager.default.fileExists(atPath: $0) ? "" : " (none)") } ?? "(no HOME)"))
                print("project file: " + (ConfigLoader.projectPath(cwd: FileManager.default.currentDirectoryPath)
                    ?? "(none: no \(ConfigLoader.projectFileName) here or above, up to the git checkout's top)"))
            }
        }
    }
}

/// The five settable flags, for `config show`.
struct SettingFlags: ParsableArguments {
    @Option(help: ArgumentHelp("As run's.", valueName: "FILE")) var inventory: String?
    @Option(help: ArgumentHelp("As run's.", valueName: "LIST")) var hosts: String?
    @Option(help: ArgumentHelp("As run's.", valueName: "PATH")) var python: String?
    @Option(help: ArgumentHelp("As run's.", valueName: "DIR")) var jobResultsDir: String?
    @Option(help: ArgumentHelp("As run's.", valueName: "FILE")) var knownHosts: String?
    @Option(parsing: .singleValue, help: ArgumentHelp("As run's.", valueName: "ARCH,…")) var arch: [String] = []

    var given: [SettingKey: String] {
        var out: [SettingKey: String] = [:]
        out[.inventory] = inventory
        out[.python] = python
        out[.jobResultsDir] = jobResultsDir
        out[.knownHosts] = knownHosts
        if !arch.isEmpty { out[.arch] = arch.joined(separator: ",") }
        return out
    }
}

/// The settings of config files and the environment, applied to a command's options that
/// were not given (ConfigLoader; precedence: Settings.resolve).
enum ConfigDefaults {
    /// What applies when nothing sets a key (shown by `config show`).
    static var builtIn: [SettingKey: String] {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return [.jobResultsDir: home + "/qcoord/job-results", .knownHosts: home + "/.ssh/known_hosts",
                .python: "the first with Avocado: $VIRTUAL_ENV/bin/python, qcoord's venv, python3"]
    }

    /// The effective settings; a bad config file is reported (`FILE:LINE: …`) and exits 2.
    static func effective(_ flags: [SettingKey: String], hostsFlag: Bool = false,
                          builtIn: [SettingKey: String] = [:]) throws -> [SettingKey: Setting] {
        do {
            return try ConfigLoader.effective(flags: flags, hostsFlag: hostsFlag, environment: ProcessInfo.processInfo.environment,
                                              cwd: FileManager.default.currentDirectoryPath, defaults: builtIn)
        } catch {
            FileHandle.standardError.write(Data("qcoord: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The value a command uses for `key`: its flag, else the config's; nil when neither.
    static func value(_ key: SettingKey, _ settings: [SettingKey: Setting]) -> String? {
        settings[key].flatMap { $0.source == .default ? nil : $0.value }
    }
}

extension HostOptions {
    /// Fills '--inventory' and '--known-hosts' from the config files and the environment
    /// when not given (the inventory not when '--hosts' is).
    mutating func applyConfig() throws {
        var flags: [SettingKey: String] = [:]
        flags[.inventory] = inventory
        flags[.knownHosts] = knownHosts
        let settings = try ConfigDefaults.effective(flags, hostsFlag: hosts != nil)
        inventory = ConfigDefaults.value(.inventory, settings)
        knownHosts = ConfigDefaults.value(.knownHosts, settings)
    }
}
