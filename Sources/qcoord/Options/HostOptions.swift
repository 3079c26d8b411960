import ArgumentParser
import Foundation
import QCoordCore
import QCoordRun

/// Which hosts to use and how to reach them over SSH (shared by the commands that use hosts).
struct HostOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hosts to use: '[user@]host[:port],…' (names, addresses or ~/.ssh/config aliases).",
                               valueName: "LIST"))
    var hosts: String?

    @Option(help: ArgumentHelp("A YAML inventory of hosts (see docs/inventory.md).", valueName: "FILE"))
    var inventory: String?

    @Option(help: ArgumentHelp("known_hosts file to check host keys against (default: ~/.ssh/known_hosts).", valueName: "FILE"))
    var knownHosts: String?

    @Flag(help: "Record the key of a host not yet in known_hosts (a changed key is always refused).")
    var acceptNewHostKeys = false

    @Option(name: [.customShort("i"), .customLong("identity")], parsing: .singleValue,
            help: ArgumentHelp("A private key to try after ssh-agent (repeatable).", valueName: "FILE"))
    var identity: [String] = []

    @Option(help: ArgumentHelp("Seconds to wait for each host's SSH connection.", valueName: "S"))
    var connectTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds without a heartbeat from a host's agent before the host counts as lost (also its TCP_USER_TIMEOUT).",
                               valueName: "S"))
    var hostIdleLimit: Double = 8

    func validate() throws {
        if hosts != nil && inventory != nil {
            throw ValidationError("'--hosts' and '--inventory' cannot be combined; list the hosts in the inventory")
        }
        if let hosts {
            do { _ = try HostSpec.parseList(hosts) } catch { throw ValidationError("'--hosts': \(error)") }
        }
        if connectTimeout <= 0 { throw ValidationError("'--connect-timeout' must be a positive number of seconds") }
        if hostIdleLimit < 2 { throw ValidationError("'--host-idle-limit' must be at least 2 seconds (the agent's heartbeat comes every second)") }
    }

    /// The configured hosts; nil when neither option was given.
    func loadInventory() throws -> Inventory? {
        if let inventory { return try InventoryLoader.load(path: inventory) }
        if let hosts {
            return Inventory(specs: try HostSpec.parseList(hosts))
        }
        return nil
    }

    /// For commands that need hosts (`hosts`, `deploy`): one of the two options is required.
    func requireHosts() throws {
        if hosts == nil && inventory == nil {
            throw ValidationError("give the hosts with '--hosts LIST' or '--inventory FILE'")
        }
    }

    /// The hosts of a command that requires them; a bad inventory is reported and exits 2.
    func requiredInventory() throws -> Inventory {
        do {
            guard let loaded = try loadInventory() else { throw ExitCode(2) }
            return loaded
        } catch let error as InventoryError {
            FileHandle.standardError.write(Data("qcoord: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    var settings: SSHSettings {
        SSHSettings(knownHostsFile: knownHosts, acceptNewHostKeys: acceptNewHostKeys, identityFiles: identity,
                    connectTimeout: .milliseconds(Int(connectTimeout * 1000)), idleLimit: .milliseconds(Int(hostIdleLimit * 1000)))
    }
}
