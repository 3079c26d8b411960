/// The variables of QEMU's `make check-avocado`, used when neither references nor `-t` are
/// given: `AVOCADO_TESTS` (space-separated references) and `AVOCADO_TAGS` (space separates
/// OR groups, commas AND inside a group, as `-t` values). Tabs, newlines and CRs separate too.
public struct QEMUTestSelection: Sendable, Hashable {
    public var references: [String]
    public var tagGroups: [String]

    public init(references: [String] = [], tagGroups: [String] = []) {
        self.references = references
        self.tagGroups = tagGroups
    }

    /// Reads the two variables from an environment dictionary.
    public init(environment: [String: String]) {
        self.init(references: Self.words(environment["AVOCADO_TESTS"]),
                  tagGroups: Self.words(environment["AVOCADO_TAGS"]))
    }

    static func words(_ value: String?) -> [String] {
        guard let value else { return [] }
        // Split scalars, not Characters: "\r\n" is one Character, so a CRLF used to glue two
        // words into one group (found by `make fuzz-tags`).
        return value.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map { String(String.UnicodeScalarView($0)) }
    }

    public var isEmpty: Bool { references.isEmpty && tagGroups.isEmpty }
}
