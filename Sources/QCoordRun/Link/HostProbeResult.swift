import QCoordCore

/// What `qcoord hosts` learns about one host: its agent's `ready`, or why it is unreachable.
public struct HostProbeResult: Sendable {
    public var host: InventoryHost
    public var outcome: Result<HostCapabilities, RunError>
    /// One SFTP request/response on the established session.
    public var roundTrip: Duration?
    public var connectTime: Duration?
}
