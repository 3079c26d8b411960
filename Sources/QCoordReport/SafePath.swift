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
        String(name.map { "<>:\"/\\|?*;".contains($0) ? "_" : $0 })
    }
}
