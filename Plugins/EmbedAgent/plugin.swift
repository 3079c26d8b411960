import Foundation
import PackagePlugin

/// Embeds the Python that qcoord ships to hosts into QCoordRun as Swift strings, so the
/// `qcoord` binary needs no resource files at run time (a resource bundle breaks when the
/// binary is copied away from its build folder):
/// - `agents/qcoord_agent.py` → `AgentSource.text`, with `agents/arch_aliases.json`
///   substituted into its `ARCH_TABLE_JSON` line (the shipped agent is one file);
/// - `agents/deploy_helper.py` → `DeployHelperSource.text`.
@main
struct EmbedAgent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let agents = context.package.directoryURL.appending(path: "agents")
        let tool = try context.tool(named: "AgentEmbedder").url
        func embed(_ file: String, as name: String, archTable: Bool) -> Command {
            let input = agents.appending(path: file)
            let table = agents.appending(path: "arch_aliases.json")
            let output = context.pluginWorkDirectoryURL.appending(path: "\(name).swift")
            return .buildCommand(
                displayName: "Embedding agents/\(file)",
                executable: tool,
                arguments: ["python", name, input.path(percentEncoded: false), output.path(percentEncoded: false)]
                    + (archTable ? [table.path(percentEncoded: false)] : []),
                inputFiles: [input] + (archTable ? [table] : []),
                outputFiles: [output]
            )
        }
        return [
            embed("qcoord_agent.py", as: "AgentSource", archTable: true),
            embed("deploy_helper.py", as: "DeployHelperSource", archTable: false),
        ]
    }
}
