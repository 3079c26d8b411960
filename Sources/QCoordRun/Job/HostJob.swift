import QCoordCore

/// How a job uses SSH hosts: which, how to reach them, and what the command line asked.
public struct HostJob: Sendable {
    public var inventory: Inventory
    public var settings: SSHSettings
    /// `--max-parallel-tasks` with hosts: the most tests running at once over all hosts.
    public var maxTotal: Int?

    public init(inventory: Inventory, settings: SSHSettings, maxTotal: Int? = nil) {
        self.inventory = inventory
        self.settings = settings
        self.maxTotal = maxTotal
    }

    /// Slots per host (inventory `slots`, else its cpus), capped so their sum stays within
    /// `maxTotal`: the cap is dealt out one slot per host in turn, so every host keeps at least one
    /// while the cap allows.
    public static func slots(wanted: [Int], maxTotal: Int?) -> [Int] {
        let wanted = wanted.map { max(1, $0) }
        guard let cap = maxTotal, cap < wanted.reduce(0, +) else { return wanted }
        var given = Array(repeating: 0, count: wanted.count)
        var left = max(cap, 0)
        while left > 0 {
            var progressed = false
            for i in wanted.indices where left > 0 && given[i] < wanted[i] {
                given[i] += 1
                left -= 1
                progressed = true
            }
            if !progressed { break }
        }
        return given
    }
}
