import QCoordCore

/// What `qcoord deploy` did on one host: one line per step, or why it stopped.
public struct HostDeployReport: Sendable {
    public struct Step: Sendable, Equatable {
        /// "python3", "venv …", "agent", "qemu", …
        public var name: String
        public var detail: String
        /// Whether this run changed the host (or the local wheel cache) in this step.
        public var changed: Bool
    }

    public var host: InventoryHost
    public var steps: [Step] = []
    public var error: DeployError?
    /// The interpreter the inventory should name for this host (`python:`), when ready.
    public var python: String?
    /// The agent's view of the host after deploying, when it started.
    public var capabilities: HostCapabilities?

    public var changed: Bool { steps.contains(where: \.changed) }

    mutating func add(_ name: String, _ detail: String, changed: Bool = false) {
        steps.append(Step(name: name, detail: detail, changed: changed))
    }
}
