import Foundation

/// Reasons and messages are one line: a newline in a fail_reason breaks the human output
/// (Avocado would print it as a literal `\n`) and every line-based reader. The full text
/// belongs in the test's debug.log.
public enum OneLine {
    /// The non-blank lines, trimmed, joined by " | "; text without a line break is returned as is.
    /// (A backslash followed by `n` is the test's own text, e.g. a repr, and stays.)
    public static func fold(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return text.split(whereSeparator: { $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " | ")
    }
}
