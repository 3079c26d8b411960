/// How one HTTP attempt at an asset goes on from a partial `.part` file (docs/assets-fetch.md). Pure.
public enum AssetResume {
    /// The `Range` header to send when `partBytes` are already on disk; nil: ask for all.
    public static func rangeHeader(partBytes: Int) -> String? {
        partBytes > 0 ? "bytes=\(partBytes)-" : nil
    }

    public enum Action: Equatable, Sendable {
        /// 206 from where the part ends: append the body.
        case append
        /// 200 (the server ignored the Range, or none was sent): truncate and write the body.
        case restart
        /// 416 with a part on disk: it may be whole already; verify it (a mismatch starts over).
        case verifyPart
        /// 206 for other bytes than asked: drop the part, try again from zero.
        case discardPart(String)
        /// Not the file: this URL fails with this reason (`HTTP 404 Not Found`).
        case fail(String)
    }

    /// What to do with a response of `status` (its `Content-Range`) when `partBytes` were on disk.
    public static func action(status: Int, reason: String = "", partBytes: Int, contentRange: String?) -> Action {
        switch status {
        case 200:
            return .restart
        case 206:
            guard partBytes > 0 else { return .discardPart("206 Partial Content for a request without Range") }
            guard let start = contentRangeStart(contentRange) else {
                return .discardPart("206 Partial Content without a usable Content-Range (\(contentRange ?? "none"))")
            }
            return start == partBytes ? .append : .discardPart("206 Partial Content from byte \(start), asked from \(partBytes)")
        case 416 where partBytes > 0:
            return .verifyPart
        default:
            let text = reason.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(reason)"
            return .fail(text)
        }
    }

    /// `bytes 100-199/200` → 100.
    public static func contentRangeStart(_ value: String?) -> Int? {
        guard let value else { return nil }
        let t = value.trimmingPrefix("bytes").drop { $0 == " " }
        guard let dash = t.firstIndex(of: "-") else { return nil }
        return Int(t[..<dash])
    }

    /// Whether to try the same URL again after a broken transfer (a dropped connection):
    /// only when the attempt got bytes (it will resume from them), at most `limit` attempts.
    public static func retries(attempt: Int, gotBytes: Bool, limit: Int = 4) -> Bool {
        gotBytes && attempt < limit
    }
}
