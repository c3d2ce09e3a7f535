import Foundation

/// A log line's time as ISO 8601 in UTC with milliseconds (`2026-12-07T06:20:54.152Z`): what
/// `Date.ISO8601FormatStyle(includingFractionalSeconds: true)` writes, the milliseconds cut
/// (not rounded) as it cuts them, from the calendar arithmetic of the C library instead of
/// Foundation's formatter, which took a tenth of a log line's cost.
enum UTCTimestamp {
    static func milliseconds(_ date: Date) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (seconds, millis) = total.quotientAndRemainder(dividingBy: 1000)
        var whole = time_t(millis < 0 ? seconds - 1 : seconds)
        var parts = tm()
        guard gmtime_r(&whole, &parts) != nil else { return date.formatted(.iso8601) }
        var text = ""
        text.reserveCapacity(24)
        append(Int(parts.tm_year) + 1900, width: 4, to: &text)
        text += "-"
        append(Int(parts.tm_mon) + 1, width: 2, to: &text)
        text += "-"
        append(Int(parts.tm_mday), width: 2, to: &text)
        text += "T"
        append(Int(parts.tm_hour), width: 2, to: &text)
        text += ":"
        append(Int(parts.tm_min), width: 2, to: &text)
        text += ":"
        append(Int(parts.tm_sec), width: 2, to: &text)
        text += "."
        append(Int(millis < 0 ? millis + 1000 : millis), width: 3, to: &text)
        text += "Z"
        return text
    }

    /// `value` in decimal, zero-padded on the left to `width` digits.
    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}
