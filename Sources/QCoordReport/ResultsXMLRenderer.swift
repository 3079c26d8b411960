import Foundation
import QCoordCore

/// results.xml: one JUnit `<testsuite>` as Avocado's xunit plugin writes it, plus what GitLab
/// and Jenkins read: a `file` attribute, `<properties>` (host, arch, QEMU binary and version),
/// and surefire's `flakyFailure`/`rerunFailure` elements for retried tests. Schema: docs/junit.xsd.
///
/// When a test's arch is known its classname is `<arch>.<Class>`, so the same test run on two
/// arches gives two distinct JUnit cases (a dotted classname is ordinary JUnit: package.Class).
public enum ResultsXMLRenderer {
    /// Avocado cuts `<system-out>` at this many characters.
    public static let systemOutLimit = 100_000

    /// - Parameter logs: a test's log text by uid (its debug.log), for failed tests' `<system-out>`.
    public static func render(_ job: JobSummary, logs: [Int: String] = [:]) -> String {
        let counts = job.counts
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\(attr(job.jobName)) tests=\"\(job.tests.count)\""
        out += " errors=\"\(counts[.error] + counts[.interrupted])\" failures=\"\(counts[.fail])\""
        out += " skipped=\"\(counts[.skip] + counts[.cancel])\" time=\"\(fixed(job.testTime, 3))\""
        out += " timestamp=\(attr(job.timestamp))>\n"
        var suiteProperties = [("job_id", job.jobID)]
        for h in job.hosts { suiteProperties.append(("host", "\(h.name) \(h.arch) \(h.slots) slots")) }
        out += properties(suiteProperties, indent: "\t")
        for t in job.tests {
            out += "\t<testcase classname=\(attr(classname(t))) name=\(attr(t.name)) file=\(attr(t.file))"
            out += " time=\"\(fixed(t.timeElapsed, 3))\">\n"
            out += properties(testProperties(t), indent: "\t\t")
            switch t.status {
            case .pass, .warn:
                break
            case .skip, .cancel:
                out += "\t\t<skipped message=\(attr(t.failReasonText))/>\n"
            case .fail, .error, .interrupted:
                let element = t.status == .fail ? "failure" : "error"
                out += "\t\t<\(element) type=\(attr(failType(t.status))) message=\(attr(t.failReasonText))>"
                out += cdata(t.failReasonText) + "</\(element)>\n"
            }
            out += retries(t)
            if !t.status.isFine {
                let log = String((logs[t.uid] ?? "").prefix(systemOutLimit))
                out += "\t\t<system-out>" + cdata(log) + "</system-out>\n"
            }
            out += "\t</testcase>\n"
        }
        out += "</testsuite>\n"
        return out
    }

    /// What the test is and where and with what it ran: kind, host, arch, QEMU binary and version, attempts.
    static func testProperties(_ t: TestResult) -> [(String, String)] {
        var list: [(String, String)] = [("kind", t.kind.rawValue)]
        if let host = t.host { list.append(("host", host)) }
        if let arch = t.arch { list.append(("arch", arch)) }
        if let bin = t.qemuBin { list.append(("qemu_bin", bin)) }
        if let version = t.qemuVersion { list.append(("qemu_version", version)) }
        if !t.attempts.isEmpty { list.append(("attempts", String(t.attempts.count))) }
        return list
    }

    static func properties(_ list: [(String, String)], indent: String) -> String {
        guard !list.isEmpty else { return "" }
        var out = indent + "<properties>\n"
        for (name, value) in list {
            out += indent + "\t<property name=\(attr(name)) value=\(attr(value))/>\n"
        }
        return out + indent + "</properties>\n"
    }

    /// Earlier attempts of a retried test, as Maven surefire writes reruns: `flakyFailure` /
    /// `flakyError` when the last attempt passed, `rerunFailure` / `rerunError` when it did not.
    /// An attempt that FAILed is a failure, anything else (host lost, agent crash) an error.
    static func retries(_ t: TestResult) -> String {
        guard t.attempts.count > 1 else { return "" }
        let prefix = t.status.isFine ? "flaky" : "rerun"
        var out = ""
        for (n, a) in t.attempts.dropLast().enumerated() {
            let element = prefix + (a.status == .fail ? "Failure" : "Error")
            let message = "attempt \(n + 1) on \(a.host): \(a.status.rawValue)" + (a.failReason.map { ": " + $0 } ?? "")
            out += "\t\t<\(element) type=\(attr(failType(a.status))) message=\(attr(message)) time=\"\(fixed(a.time, 3))\">"
            out += "<stackTrace>" + cdata(a.failReason ?? "") + "</stackTrace></\(element)>\n"
        }
        return out
    }

    /// `<arch>.<Class>`, or Avocado's `<unknown>` for tests without a class.
    public static func classname(_ t: TestResult) -> String {
        let cls = t.className ?? "<unknown>"
        guard let arch = t.arch, !arch.isEmpty else { return cls }
        return "\(arch).\(cls)"
    }

    static func failType(_ status: TestStatus) -> String {
        switch status {
        case .fail: "TestFail"
        case .interrupted: "TestInterruptedError"
        default: "TestError"
        }
    }

    /// A quoted attribute value, escaped as minidom does (newlines kept).
    static func attr(_ s: String) -> String {
        var out = "\""
        for ch in xmlSafe(s) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// CDATA cannot contain `]]>`: split it across two sections.
    static func cdata(_ s: String) -> String {
        "<![CDATA[" + xmlSafe(s).replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    /// Drops characters XML 1.0 forbids (most C0 controls), which test output often contains.
    static func xmlSafe(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            if v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
                || (0x10000...0x10FFFF).contains(v) {
                scalars.append(u)
            }
        }
        return String(scalars)
    }
}

/// `value` with `digits` decimals; C's printf rounds the exact binary value as Python's `%.Nf` does.
func fixed(_ value: Double, _ digits: Int) -> String {
    if let fast = fixedExact(value, digits) { return fast }
    // vsnprintf, not String(format:): the same C formatting without Foundation's locale and
    // argument boxing, which cost ~3 % of the coordinator's CPU per test (a line per result).
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
        let n = withVaList([Int32(digits), value]) { vsnprintf(buffer.baseAddress, 64, "%.*f", $0) }
        guard n >= 0 && n < 64, let base = buffer.baseAddress else { return String(format: "%.\(digits)f", value) }
        return String(cString: base)
    }
}

/// `fixed` without the C varargs machinery (a result line and a journal-free report line per test:
/// ~3 % of `make bench-scale`), for what durations are: 0 ≤ value, value × 10^digits < 2^40,
/// digits 0…6; nil otherwise. The same digits as printf: value × 10^digits rounded to an integer,
/// ties to even, decided on the exact product — its rounding error is recovered exactly by an FMA.
func fixedExact(_ value: Double, _ digits: Int) -> String? {
    guard (0...6).contains(digits), value.sign == .plus, value == 0 || value >= 1e-100 else { return nil }
    let scale = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][digits]
    let product = value * scale
    guard product < 0x1p40 else { return nil }
    // value × scale = product + error, exactly (the error of a rounded product is representable).
    let error = (-product).addingProduct(value, scale)
    let floor = product.rounded(.down)
    // The exact fraction minus one half: product − floor and the subtraction of 0.5 are exact
    // where it matters (Sterbenz); a fraction below 0.25 is below one half whatever the error.
    let sign = ((product - floor) - 0.5) + error
    var n = Int(floor)
    if sign > 0 || (sign == 0 && n % 2 == 1) { n += 1 }
    guard digits > 0 else { return String(n) }
    let unit = Int(scale)
    let fraction = String(n % unit)
    return String(n / unit) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}
