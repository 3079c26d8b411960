import QCoordReport

/// Where the human output goes; a test swaps in a recorder.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// False under the live progress line (a TTY): it shows what runs, so the `STARTED`
    /// lines are left out and only results scroll above it.
    public var showsStarted: Bool
    /// On a terminal: shows one transient, updating line (nil clears it), e.g. tree sync's
    /// progress. nil when the output is not a terminal: then only summary lines are printed.
    public var status: (@Sendable (String?) -> Void)?
    /// Colour of what goes to `out` and to `err` (TerminalStyle.decide, per stream): statuses
    /// and the RESULTS line. `.plain` unless the caller decided otherwise.
    public var style: TerminalStyle = .plain
    public var errStyle: TerminalStyle = .plain

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                showsStarted: Bool = true, status: (@Sendable (String?) -> Void)? = nil) {
        self.out = out
        self.err = err
        self.showsStarted = showsStarted
        self.status = status
    }
}
