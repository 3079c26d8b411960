/// The agent script embedded at build time (see Plugins/EmbedAgent).
public enum AgentBundle {
    public static var source: String { AgentSource.text }
}
