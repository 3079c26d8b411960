import Foundation
import QCoordCore

/// results.tap: `1..N`, then `ok`/`not ok` per test in uid order, as Avocado's TAP result plugin
/// (plus a `# kind: FUNCTIONAL` comment after each QEMU tests/functional test).
public enum ResultsTAPRenderer {
    public static func render(_ job: JobSummary) -> String {
        var out = "1..\(job.tests.count)\n"
        for (n, t) in job.tests.enumerated() {
            let number = n + 1
            switch t.status {
            case .pass:
                out += "ok \(number) \(t.name)\n"
            case .fail, .error, .interrupted:
                out += "not ok \(number) \(t.name)\n"
            case .skip, .cancel:
                out += "ok \(number) \(t.name)  # SKIP \(oneLine(t.failReason ?? ""))\n"
            case .warn:
                out += "ok \(number) \(t.name)  # Warnings were printed into warn log\n"
            }
            // Avocado's TAP has no kind; a QEMU tests/functional test says it is one (a TAP comment).
            if t.kind == .functional { out += "# kind: \(t.kind.rawValue)\n" }
        }
        return out
    }

    /// A TAP directive ends at the line's end, so a reason must stay on one line.
    static func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
