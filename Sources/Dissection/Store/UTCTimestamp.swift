// The times the run store writes (`updated_at`, `finished_at`, a Slurm launch's records):
// ISO 8601 in UTC to the second, `2026-12-06T10:45:03Z`, the form ISO8601DateFormatter writes by
// default (years 1000-9999). Written with gmtime_r and strftime: a formatter was made for every
// progress update (once per batch), and each one went through ICU (~17 ms of CPU over a
// 1,000-image MobileNetV2 dissection, and ~5 ms loading time-zone data before its first image).
import Foundation

public enum UTCTimestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, rounded down).
    public static func string(from date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        var text = [CChar](repeating: 0, count: 32)
        guard gmtime_r(&seconds, &parts) != nil,
              strftime(&text, text.count, "%Y-%m-%dT%H:%M:%SZ", &parts) > 0 else {
            return ISO8601DateFormatter().string(from: date)
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Now.
    public static func now() -> String { string(from: Date()) }
}
