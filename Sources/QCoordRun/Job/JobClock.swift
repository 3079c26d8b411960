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
}
