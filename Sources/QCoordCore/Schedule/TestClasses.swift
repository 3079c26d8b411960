/// A job's pending tests in classes of interchangeable tests (the same eligible hosts, the same
/// exclusive group, the same assets), each one queue sorted longest expected first, then job
/// order. A free slot compares only the heads of the classes, so a pick costs O(classes), not
/// O(tests).
struct TestClasses: Sendable {
    struct Queue: Sendable {
        /// A member, asked for the class's eligibility.
        var representative: Int
        var exclusive: String?
        /// The assets (content keys) every test of the class needs; empty: none.
        var assets: Set<String> = []
        /// Sorted by expected duration, longest first, then by index; `head` is the next one.
        var tests: [Int]
        var head = 0
        /// Live hosts that may run this class.
        var hosts: Set<String> = []
        var isEmpty: Bool { head >= tests.count }
        var waiting: ArraySlice<Int> { tests[head...] }
    }

    let expected: [Double]
    private(set) var queues: [Queue] = []
    private var queueOf: [Int]

    init(expected: [Double], classKey: (Int) -> String, exclusive: (Int) -> String?, assets: (Int) -> [String] = { _ in [] }) {
        self.expected = expected
        var index: [String: Int] = [:]
        queueOf = [Int](repeating: 0, count: expected.count)
        for test in expected.indices {
            let group = exclusive(test)
            let needs = assets(test)
            let key = classKey(test) + "\u{0}" + (group.map { "x" + $0 } ?? "-") + "\u{0}" + needs.sorted().joined(separator: "\u{1}")
            if let q = index[key] {
                queues[q].tests.append(test)
                queueOf[test] = q
            } else {
                index[key] = queues.count
                queueOf[test] = queues.count
                queues.append(Queue(representative: test, exclusive: group, assets: Set(needs), tests: [test]))
            }
        }
        for q in queues.indices { queues[q].tests.sort { Self.before($0, $1, expected) } }
    }

    /// Longest expected first, then job order.
    static func before(_ a: Int, _ b: Int, _ expected: [Double]) -> Bool {
        expected[a] != expected[b] ? expected[a] > expected[b] : a < b
    }

    func queueIndex(of test: Int) -> Int { queueOf[test] }
    func queue(of test: Int) -> Queue { queues[queueOf[test]] }

    /// Every test not yet taken, class by class.
    var waiting: [Int] { queues.flatMap(\.waiting) }

    /// No class has a test some live host may run.
    var nothingRunnable: Bool { queues.allSatisfy { $0.isEmpty || $0.hosts.isEmpty } }

    /// A host came up: it joins the classes it may run.
    mutating func add(host: String, eligible: (_ representative: Int) -> Bool) {
        for q in queues.indices where eligible(queues[q].representative) { queues[q].hosts.insert(host) }
    }

    mutating func remove(host: String) {
        for q in queues.indices { queues[q].hosts.remove(host) }
    }

    /// A test that ran goes back to its class, in its place by expected duration.
    mutating func requeue(_ test: Int) {
        let q = queueOf[test]
        var lo = queues[q].head, hi = queues[q].tests.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.before(queues[q].tests[mid], test, expected) { lo = mid + 1 } else { hi = mid }
        }
        queues[q].tests.insert(test, at: lo)
    }

    /// The class whose head `host` should run next: fewest eligible hosts, then longest — but
    /// among heads about as long (`aboutAsLong`), by assets first (`assetRank`: one whose assets
    /// the host holds, then one no other host holds, then one another host holds — left to it) —
    /// then first; none whose exclusive group is `busy` there.
    func pick(for host: String, busy: [String: Int], held: [String: Set<String>] = [:]) -> Int? {
        var best: Int?
        for q in queues.indices {
            let queue = queues[q]
            guard !queue.isEmpty, queue.hosts.contains(host) else { continue }
            if let group = queue.exclusive, busy[group] != nil { continue }
            guard let b = best else { best = q; continue }
            let (n, m) = (queue.hosts.count, queues[b].hosts.count)
            if n != m {
                if n < m { best = q }
                continue
            }
            let (t, u) = (queue.tests[queue.head], queues[b].tests[queues[b].head])
            // Assets first among tests about as long (timings are never exactly equal): a test
            // whose assets are here beats one a few percent longer that needs a push.
            if !held.isEmpty && (!queue.assets.isEmpty || !queues[b].assets.isEmpty) && Self.aboutAsLong(expected[t], expected[u]) {
                let (mine, theirs) = (Self.assetRank(queue, host, held), Self.assetRank(queues[b], host, held))
                if mine != theirs {
                    if mine < theirs { best = q }
                    continue
                }
            }
            if expected[t] != expected[u] {
                if expected[t] > expected[u] { best = q }
                continue
            }
            if t < u { best = q }
        }
        return best
    }

    /// Within 1 s or 10 % of each other: for the asset preference, as long.
    static func aboutAsLong(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= max(1, 0.1 * max(a, b))
    }

    /// 0: `host` holds every asset of the class; 1: no other host does (or it has none); 2:
    /// another host does — so tests sharing an asset gather where it is, and it crosses less.
    static func assetRank(_ queue: Queue, _ host: String, _ held: [String: Set<String>]) -> Int {
        guard !queue.assets.isEmpty else { return 1 }
        if let mine = held[host], queue.assets.isSubset(of: mine) { return 0 }
        for (other, keys) in held where other != host && queue.assets.isSubset(of: keys) && queue.hosts.contains(other) { return 2 }
        return 1
    }

    /// Takes the head of class `q`.
    mutating func take(_ q: Int) -> Int {
        defer { queues[q].head += 1 }
        return queues[q].tests[queues[q].head]
    }

    /// Takes every waiting test of the classes `drop` says, in class order.
    mutating func drain(where drop: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        for q in queues.indices where drop(q) && !queues[q].isEmpty {
            out += queues[q].waiting
            queues[q].head = queues[q].tests.count
        }
        return out
    }

    /// Takes `tests` out before any host is up (a resumed job's tests that have their result).
    mutating func withdraw(_ tests: Set<Int>) {
        for q in queues.indices {
            let head = queues[q].head
            queues[q].tests = Array(queues[q].tests[..<head]) + queues[q].waiting.filter { !tests.contains($0) }
        }
    }
}
