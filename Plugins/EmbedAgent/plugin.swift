import Foundation
import PackagePlugin

/// Embeds `agents/qcoord_agent.py` into the target as a Swift string, so the `qcoord`
/// binary needs no resource files at run time (a resource bundle breaks when the binary
/// is copied away from its build folder).
@main
struct EmbedAgent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "agents/qcoord_agent.py")
        let output = context.pluginWorkDirectoryURL.appending(path: "AgentSource.swift")
        return [
            .buildCommand(
                displayName: "Embedding the qcoord agent",
                executable: try context.tool(named: "AgentEmbedder").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [input],
                outputFiles: [output]
            ),
        ]
    }
}
