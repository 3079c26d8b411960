/// Host `uname -m` names, Debian arch names, tag spellings and QEMU target names all map to
/// QEMU's target name (`qemu-system-<target>`). The table is `agents/arch_aliases.json`, the
/// one the agent reads too; `ArchName.table` is generated from it at build time
/// (Plugins/EmbedArchTable), so both sides always agree.
public enum ArchName {
    /// Every spelling (lowercase) → its QEMU target, targets included.
    static let targets: [String: String] = {
        var map: [String: String] = [:]
        for (target, aliases) in table {
            map[target] = target
            for alias in aliases { map[alias] = target }
        }
        return map
    }()

    /// QEMU's target name for `name`: case-insensitive, surrounding whitespace ignored;
    /// a name not in the table passes through lowercased.
    public static func normalize(_ name: String) -> String {
        var trimmed = Substring(name)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        let key = trimmed.lowercased()
        return targets[key] ?? key
    }
}
