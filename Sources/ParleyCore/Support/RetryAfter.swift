import Foundation

/// A provider's `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Read
/// the same way for LLM providers, Mailgun and CRM webhooks.
public enum RetryAfter {
    /// The wait it asks for, from `now`; nil when the header is absent or unreadable. A date in
    /// the past means "now" (zero).
    public static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty, value.count <= 64 else { return nil }
        if value.allSatisfy(\.isNumber) {
            guard let seconds = Int(value) else { return nil }
            return .seconds(seconds)
        }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
            }
        }
        return nil
    }

    /// IMF-fixdate, then the obsolete RFC 850 and asctime forms recipients must accept.
    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]
}
