import Foundation

/// Parses the human sizes and durations of the `logging` section ("50 MB", "14 days").
public enum LogSizes {
    public static func bytes(_ text: String, key: String) throws -> Int {
        let (number, unit) = try split(text, key: key)
        let multiplier: Double
        switch unit {
        case "", "b", "byte", "bytes": multiplier = 1
        case "kb", "k", "kib": multiplier = 1024
        case "mb", "m", "mib": multiplier = 1024 * 1024
        case "gb", "g", "gib": multiplier = 1024 * 1024 * 1024
        default: throw ConfigError("\(key): unknown size unit '\(unit)' (use KB, MB or GB)")
        }
        return Int(number * multiplier)
    }

    public static func seconds(_ text: String, key: String) throws -> TimeInterval {
        let (number, unit) = try split(text, key: key)
        switch unit {
        case "s", "sec", "second", "seconds": return number
        case "m", "min", "minute", "minutes": return number * 60
        case "h", "hour", "hours": return number * 3600
        case "", "d", "day", "days": return number * 86_400
        case "w", "week", "weeks": return number * 7 * 86_400
        default: throw ConfigError("\(key): unknown duration unit '\(unit)' (use minutes, hours, days or weeks)")
        }
    }

    private static func split(_ text: String, key: String) throws -> (Double, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number > 0 else {
            throw ConfigError("\(key): expected a positive amount such as '50 MB' or '14 days', got '\(text)'")
        }
        return (number, trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces))
    }
}
