/// "Run test `test` on `host`": `attempt` counts from 1 (a test re-queued after a lost host is run again).
public struct Assignment: Sendable, Hashable {
    public var test: Int
    public var host: String
    public var attempt: Int

    public init(test: Int, host: String, attempt: Int) {
        self.test = test
        self.host = host
        self.attempt = attempt
    }
}
