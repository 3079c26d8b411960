import QCoordCore

/// Where a job's events go (the live progress line, the `--json-events` stream); called from
/// the coordinator actor, so an emit must be quick and must not block.
public struct JobEventSink: Sendable {
    public let emit: @Sendable (JobEvent) -> Void

    public init(_ emit: @escaping @Sendable (JobEvent) -> Void) { self.emit = emit }

    public static let none = JobEventSink { _ in }

    /// Every event to each sink, in order.
    public static func all(_ sinks: [JobEventSink]) -> JobEventSink {
        sinks.isEmpty ? .none : JobEventSink { event in for s in sinks { s.emit(event) } }
    }
}
