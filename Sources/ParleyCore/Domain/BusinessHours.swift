import Foundation

/// When a tenant's people answer chats, in the tenant's time zone: `mon-fri 09:00-17:30; sat
/// 10:00-14:00`. Outside these hours an escalated visitor is offered the lead form instead of
/// waiting for a colleague who is not there.
public struct BusinessHours: Sendable, Equatable {
    /// One open stretch on one weekday (1 Monday … 7 Sunday), in minutes after midnight.
    public struct Span: Sendable, Equatable {
        public var weekday: Int
        public var start: Int
        public var end: Int
    }

    public var spans: [Span]
    public var timeZone: TimeZone

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// Longest schedule text, in characters.
    public static let textLimit = 200

    /// Parses `DAYS HH:MM-HH:MM[ HH:MM-HH:MM…]` groups separated by `;`, where DAYS is a day
    /// (`mon` … `sun`), a range (`mon-fri`) or a comma-separated list (`mon,wed`). Times run from
    /// 00:00 to 24:00 and a stretch ends after it starts (no overnight stretches).
    public static func parse(_ text: String, timeZone identifier: String = "UTC") -> Result<BusinessHours, Invalid> {
        guard let zone = TimeZone(identifier: identifier) else {
            return .failure(Invalid(description: "'\(identifier.prefix(64))' is not a time zone like Europe/Amsterdam"))
        }
        guard text.count <= textLimit else { return .failure(Invalid(description: "the hours are at most \(textLimit) characters")) }
        var spans: [Span] = []
        for group in text.lowercased().split(separator: ";") {
            let parts = group.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let weekdays = weekdays(parts[0]) else {
                return .failure(Invalid(description: "'\(group.trimmingCharacters(in: .whitespaces).prefix(40))' does not start with days like mon-fri"))
            }
            for range in parts.dropFirst() {
                guard let (start, end) = minutes(range) else {
                    return .failure(Invalid(description: "'\(range.prefix(20))' is not a time range like 09:00-17:30"))
                }
                spans += weekdays.map { Span(weekday: $0, start: start, end: end) }
            }
        }
        guard !spans.isEmpty else { return .failure(Invalid(description: "give at least one day and time range, like mon-fri 09:00-17:00")) }
        return .success(BusinessHours(spans: spans, timeZone: zone))
    }

    /// Whether `date` falls in an open stretch, on the tenant's clock.
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let sundayFirst = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return true }
        let weekday = sundayFirst == 1 ? 7 : sundayFirst - 1
        let now = hour * 60 + minute
        return spans.contains { $0.weekday == weekday && $0.start <= now && now < $0.end }
    }

    private static func weekdays(_ text: Substring) -> [Int]? {
        var result: [Int] = []
        for item in text.split(separator: ",") {
            let ends = item.split(separator: "-")
            guard (1 ... 2).contains(ends.count), let first = days.firstIndex(of: String(ends[0])),
                  let last = days.firstIndex(of: String(ends[ends.count - 1])), first <= last else { return nil }
            result += (first ... last).map { $0 + 1 }
        }
        return result.isEmpty ? nil : result
    }

    private static func minutes(_ text: Substring) -> (Int, Int)? {
        let ends = text.split(separator: "-")
        guard ends.count == 2, let start = clock(ends[0]), let end = clock(ends[1]), start < end else { return nil }
        return (start, end)
    }

    private static func clock(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0 ... 24).contains(hour), (0 ..< 60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }
}
