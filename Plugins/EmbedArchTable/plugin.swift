import Foundation
import PackagePlugin

/// Generates `ArchName.table` for QCoordCore from `agents/arch_aliases.json`, the one arch
/// alias table the agent reads too. QCoordCore stays pure: the table is a Swift literal.
@main
struct EmbedArchTable: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "agents/arch_aliases.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "ArchTable.swift")
        return [
            .buildCommand(
                displayName: "Generating ArchName.table from agents/arch_aliases.json",
                executable: try context.tool(named: "AgentEmbedder").url,
                arguments: ["arch-table", input.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [input],
                outputFiles: [output]
            ),
        ]
    }
}
