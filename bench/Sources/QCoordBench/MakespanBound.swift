/// The lower bound no schedule can beat, and how far a makespan is above it.
///
/// The largest of: the longest test; Σ durations ∕ Σ slots; and for each arch, Σ of the tests only
/// that arch's hosts can run ∕ those hosts' slots.
public enum MakespanBound {
    /// One test as the bound sees it: its duration and the hosts that may run it.
    public struct Item: Sendable, Hashable {
        public var duration: Double
        public var hosts: Set<String>
        public init(duration: Double, hosts: Set<String>) { self.duration = duration; self.hosts = hosts }
    }

    /// - Parameter slots: host → slots.
    public static func lowerBound(_ items: [Item], slots: [String: Int]) -> Double {
        let totalSlots = slots.values.reduce(0, +)
        guard totalSlots > 0 else { return 0 }
        var bound = items.map(\.duration).max() ?? 0
        bound = max(bound, items.map(\.duration).reduce(0, +) / Double(totalSlots))
        // Tests restricted to a set of hosts: their work over those hosts' slots. (Grouping by the
        // exact host set covers "per arch" when each arch's tests share their hosts.)
        var restricted: [Set<String>: Double] = [:]
        let everyHost = Set(slots.keys)
        for item in items where !item.hosts.isEmpty && item.hosts != everyHost {
            restricted[item.hosts, default: 0] += item.duration
        }
        for (hosts, work) in restricted {
            // Every test that fits within `hosts` competes for their slots too.
            let inside = restricted.filter { $0.key.isSubset(of: hosts) }.map(\.value).reduce(0, +)
            let n = hosts.reduce(0) { $0 + (slots[$1] ?? 0) }
            if n > 0 { bound = max(bound, max(work, inside) / Double(n)) }
        }
        return bound
    }

    /// makespan ∕ lower bound (1 is optimal); 1 when the bound is 0.
    public static func ratio(makespan: Double, _ items: [Item], slots: [String: Int]) -> Double {
        let bound = lowerBound(items, slots: slots)
        return bound > 0 ? makespan / bound : 1
    }
}
