/// A host that took part in a job, as the report shows it (even when it ran nothing:
/// an idle host is what the timeline must make visible).
public struct JobHost: Sendable, Hashable, Codable {
    public var name: String
    public var arch: String
    public var slots: Int

    public init(name: String, arch: String, slots: Int) {
        self.name = name
        self.arch = arch
        self.slots = slots
    }
}
