import ArgumentParser
import Foundation

@main
struct QCoord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qcoord",
        abstract: "Run QEMU-style Avocado tests on many hosts at once and merge one job report.",
        version: "0.1.0",
        subcommands: [List.self, Run.self, Replay.self, Hosts.self, Deploy.self, History.self, Merge.self, Jobs.self, Assets.self, Config.self]
    )

    /// As Avocado, a usage error exits 2 (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
