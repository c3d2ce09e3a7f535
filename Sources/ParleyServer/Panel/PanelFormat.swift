import Foundation

/// How the panel writes dates and money: UTC, to the minute; costs in dollars with cents, or
/// more digits when small (a model call costs fractions of a cent).
enum PanelFormat {
    static func time(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
                                                timeZone: .gmt, calendar: Calendar(identifier: .gregorian))) + " UTC"
    }

    static func money(_ amount: Double) -> String {
        if amount != 0, abs(amount) < 0.01 { return String(format: "$%.5f", amount) }
        return String(format: "$%.2f", amount)
    }
}
