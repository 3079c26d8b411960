/// Checks a file name an agent sent for a test: it must stay inside the test's directory.
public enum SafePath {
    /// The components of `name` when it is a plain relative path (no absolute path, no `..`,
    /// no `.`, no empty component, no NUL); nil otherwise.
    public static func components(_ name: String) -> [String]? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0") else { return nil }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts where part.isEmpty || part == "." || part == ".." { return nil }
        return parts
    }

    /// `<>:"/\|?*;` turned into `_`, as Avocado names test result directories.
    public static func testDirectoryName(_ name: String) -> String {
        // ASCII names (nearly all) byte by byte: this runs once per test at job start.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: name.utf8.map { b -> UInt8 in
                switch b {
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: "/"),
                     UInt8(ascii: "\\"), UInt8(ascii: "|"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: ";"):
                    UInt8(ascii: "_")
                default: b
                }
            }, as: UTF8.self)
        }
        return String(name.map { "<>:\"/\\|?*;".contains($0) ? "_" : $0 })
    }
}
