// The times the run store writes (`updated_at`, `finished_at`, a Slurm launch's records):
// ISO 8601 in UTC to the second, `2026-12-06T10:45:03Z`, the form ISO8601DateFormatter writes by
// default. Written with gmtime_r: a formatter was made for every progress update (once per batch),
// and each one went through ICU (~17 ms of CPU over a 1,000-image MobileNetV2 dissection, and
// ~5 ms loading time-zone data before its first image).
import Foundation

public enum UTCTimestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, rounded down).
    public static func string(from date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return ISO8601DateFormatter().string(from: date) }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = Int(parts.tm_year) + 1900
        let y = year >= 1000 ? "\(year)" : String(repeating: "0", count: 4 - "\(year)".count) + "\(year)"
        return "\(y)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Now.
    public static func now() -> String { string(from: Date()) }
}
