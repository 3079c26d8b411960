import Foundation
import Testing
@testable import QCoordRun

/// The Python qcoord ships is embedded at build time (Plugins/EmbedAgent): the agent carries
/// agents/arch_aliases.json on its ARCH_TABLE_JSON line, so a shipped agent (one file, cached
/// by its hash) never depends on a side file; the deploy helper is agents/deploy_helper.py.
struct AgentEmbeddingTests {
    static let agents = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("agents")

    static func tableLine(_ source: String) -> [Substring] {
        source.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("ARCH_TABLE_JSON =") }
    }

    @Test func embeddedAgentCarriesTheArchTable() throws {
        let file = try JSONDecoder().decode([String: [String]].self,
                                            from: Data(contentsOf: Self.agents.appendingPathComponent("arch_aliases.json")))
        let lines = Self.tableLine(AgentBundle.source)
        try #require(lines.count == 1)
        let line = lines[0]
        let prefix = "ARCH_TABLE_JSON = '"
        #expect(line.hasPrefix(prefix))
        let literal = try #require(line.dropFirst(prefix.count).split(separator: "'", omittingEmptySubsequences: false).first)
        #expect(try JSONDecoder().decode([String: [String]].self, from: Data(literal.utf8)) == file)
        #expect(!AgentBundle.source.contains("ARCH_TABLE_JSON = None"))
    }

    /// The embedded agent is the repo's agent with only that line changed.
    @Test func embeddedAgentIsTheRepoAgentButTheTableLine() throws {
        let repo = try String(contentsOf: Self.agents.appendingPathComponent("qcoord_agent.py"), encoding: .utf8)
        #expect(Self.tableLine(repo) == ["ARCH_TABLE_JSON = None  # replaced by the embedder"])
        let strip = { (s: String) in s.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("ARCH_TABLE_JSON =") } }
        #expect(strip(repo) == strip(AgentBundle.source))
    }

    /// Run by python3 from a directory without arch_aliases.json, the embedded agent still
    /// normalizes with the full table (`arch:s390` → s390x).
    @Test func embeddedAgentRunsWithoutASideFile() throws {
        let dir = NSTemporaryDirectory() + "qcoord-embedded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AgentBundle.source.write(toFile: dir + "/qcoord_agent.py", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys, json; sys.path.insert(0, sys.argv[1]); import qcoord_agent as a; "
            + "print(json.dumps([a.normalize_arch(n) for n in sys.argv[2:]]))", dir, "s390", "ARM64", "armv8l", "ppc64le"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try JSONDecoder().decode([String].self, from: data) == ["s390x", "aarch64", "arm", "ppc64"])
    }

    @Test func deployHelperIsTheRepoFile() throws {
        let repo = try String(contentsOf: Self.agents.appendingPathComponent("deploy_helper.py"), encoding: .utf8)
        #expect(DeployHelperScript.source == repo)
    }
}
