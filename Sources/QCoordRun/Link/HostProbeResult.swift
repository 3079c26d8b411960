import QCoordCore

/// What `qcoord hosts` learns about one host: its agent's `ready`, or why it is unreachable.
public struct HostProbeResult: Sendable {
    public var host: InventoryHost
    public var outcome: Result<HostCapabilities, RunError>
    /// One SFTP request/response on the established session.
    public var roundTrip: Duration?
    /// TCP connect + key exchange + host key check + authentication.
    public var connectTime: Duration?
    /// From the start of the connection to the agent's `ready` (includes uploading it).
    public var readyTime: Duration?

    public init(host: InventoryHost, outcome: Result<HostCapabilities, RunError>, roundTrip: Duration? = nil,
                connectTime: Duration? = nil, readyTime: Duration? = nil) {
        self.host = host
        self.outcome = outcome
        self.roundTrip = roundTrip
        self.connectTime = connectTime
        self.readyTime = readyTime
    }
}
