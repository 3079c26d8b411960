import QCoordCore

/// `--color auto|always|never`.
public enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never
}

/// Colour on the terminal: statuses and the summary, as Avocado's (PASS green, FAIL/ERROR/
/// INTERRUPTED red, SKIP/WARN/CANCEL yellow). A value: the decision is made once per stream
/// (`decide`), the renderers only paint. `.plain` paints nothing.
public struct TerminalStyle: Sendable, Hashable {
    public let enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = TerminalStyle(enabled: false)

    /// Whether a stream gets colour. `never`: no. `always`: yes, even into a pipe or with
    /// `NO_COLOR` (an explicit flag beats the environment, as no-color.org asks). `auto`: only on a
    /// terminal (never in a CI log or a pipe), not with `NO_COLOR` set to anything non-empty, not
    /// with `TERM=dumb` and not with `QCOORD_PLAIN`.
    public static func decide(mode: ColorMode, isTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        switch mode {
        case .never: return .plain
        case .always: return TerminalStyle(enabled: true)
        case .auto:
            let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
            let dumb = environment["TERM"] == "dumb"
            return TerminalStyle(enabled: isTerminal && !noColor && !dumb && environment["QCOORD_PLAIN"] == nil)
        }
    }

    /// SGR parameters of a status's colour.
    public static func sgr(_ status: TestStatus) -> String {
        switch status {
        case .pass: "32"
        case .fail, .error: "1;31"
        case .interrupted: "31"
        case .skip, .warn, .cancel: "33"
        }
    }

    public static let reset = "\u{1B}[0m"

    /// `text` in the SGR colour `sgr` (e.g. "32"), or `text` alone when colour is off.
    public func paint(_ text: String, _ sgr: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(sgr)m\(text)\(Self.reset)" : text
    }

    /// `text` in `status`'s colour.
    public func paint(_ text: String, _ status: TestStatus) -> String { paint(text, Self.sgr(status)) }

    /// Segments (text, SGR or nil) joined and cut to `width` visible columns (the escape codes
    /// take none): what does not fit is dropped and the line ends in "…".
    public func fit(_ segments: [(text: String, sgr: String?)], width: Int) -> String {
        let visible = segments.reduce(0) { $0 + $1.text.count }
        var room = visible > width && width > 1 ? width - 1 : Int.max
        var out = ""
        for s in segments where room > 0 {
            let text = s.text.count > room ? String(s.text.prefix(room)) : s.text
            room -= text.count
            out += s.sgr.map { paint(text, $0) } ?? text
        }
        return visible > width && width > 1 ? out + "…" : out
    }
}
