import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The clocks a job reads: monotonic seconds (results.json `time_start`/`time_end`) and wall time.
public enum JobClock {
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func epoch() -> Double { Date().timeIntervalSince1970 }

    static func localText(_ date: Date, _ format: String) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tmValue = tm()
        localtime_r(&t, &tmValue)
        var buffer = [Int8](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, format, &tmValue)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
