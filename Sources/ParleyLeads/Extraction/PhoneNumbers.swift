import Foundation

/// Telephone numbers in a visitor's words, in the formats people type in the five widget
/// languages' countries and North America: `+49 30 1234567`, `0049 (0)30-123 45 67`,
/// `(555) 123-4567`, `06 12 34 56 78`, `020 7946 0958`, `+34 612 345 678`. One pass over the text:
/// a candidate is a run of digits with single separators (space, dot, dash, slash, parentheses),
/// optionally led by `+`, holding 7 to 15 digits (E.164's longest). Dates, prices, order numbers
/// and years are refused by their shape.
public enum PhoneNumbers {
    /// The first number in `text`, normalised: `+` and digits for an international number, the
    /// digits with their original spaces otherwise.
    public static func first(in text: String) -> String? {
        candidates(in: text).first
    }

    /// A number typed into a form field on its own (only digits, `+` and separators, at most 40
    /// characters), normalised as `first(in:)` does; nil when it is not a telephone number.
    public static func field(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 40, trimmed.unicodeScalars.allSatisfy({ isDigit($0) || "+ -./()".unicodeScalars.contains($0) }) else { return nil }
        return first(in: trimmed)
    }

    static func candidates(in text: String) -> [String] {
        // A number holds at least 7 digits: most messages have fewer in all, and are not scanned.
        var digitCount = 0
        for byte in text.utf8 where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { digitCount += 1 }
        guard digitCount >= 7 else { return [] }
        let scalars = Array(text.unicodeScalars)
        var found: [String] = []
        var index = 0
        while index < scalars.count {
            let character = scalars[index]
            let startsNumber = character == "+" || character == "(" || isDigit(character)
            // A number starts at a word boundary: not inside a word or another number.
            let boundary = index == 0 || !(isDigit(scalars[index - 1]) || isLetter(scalars[index - 1]) || scalars[index - 1] == "+")
            guard startsNumber, boundary else { index += 1; continue }
            var end = index
            var digits = 0
            var lastWasSeparator = false
            var text = ""
            while end < scalars.count, end - index < 32 {
                let scalar = scalars[end]
                if isDigit(scalar) {
                    digits += 1
                    lastWasSeparator = false
                } else if scalar == "+" && end == index {
                    lastWasSeparator = false
                } else if [" ", "-", ".", "/", "(", ")"].contains(scalar) {
                    if lastWasSeparator && scalar != "(" && scalars[end - 1] != ")" { break }
                    lastWasSeparator = true
                } else {
                    break
                }
                text.unicodeScalars.append(scalar)
                end += 1
            }
            let trimmed = String(text.reversed().drop { !$0.isNumber }.reversed())
            let candidateEnd = index + trimmed.unicodeScalars.count
            if let number = accepted(trimmed, digits: trimmed.filter(\.isNumber).count), !isInsideWord(scalars, candidateEnd) {
                found.append(number)
                index = candidateEnd
            } else {
                index += max(1, trimmed.count)
            }
        }
        return found
    }

    /// The candidate as a phone number, or nil when its shape says it is something else.
    static func accepted(_ candidate: String, digits: Int) -> String? {
        guard (7 ... 15).contains(digits) else { return nil }
        let international = candidate.hasPrefix("+") || candidate.hasPrefix("00")
        // A date (12.03.2026, 2026-03-12) or a decimal amount is not a number to call.
        let parts = candidate.split(whereSeparator: { !$0.isNumber })
        if parts.count == 3 {
            let lengths = parts.map(\.count)
            let dayFirst = lengths[0] <= 2 && lengths[1] <= 2 && lengths[2] == 4
            let yearFirst = lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2
            if dayFirst || yearFirst { return nil }
        }
        if candidate.contains("."), parts.count == 2 { return nil }
        // Without a separator or a prefix, a long run of digits is an order or account number
        // unless it starts like a phone number (0 or 1 as a trunk or country code).
        if parts.count == 1, !international, !(candidate.hasPrefix("0") || candidate.hasPrefix("1")) { return nil }
        // National numbers start with a trunk 0 (Europe) or are ten digits (North America).
        if !international, !candidate.hasPrefix("0"), !candidate.hasPrefix("("), digits != 10, !(digits == 11 && candidate.hasPrefix("1")) {
            return nil
        }
        if international {
            let digitsOnly = candidate.filter(\.isNumber)
            let withoutPrefix = candidate.hasPrefix("00") ? String(digitsOnly.dropFirst(2)) : digitsOnly
            // A "(0)" trunk inside an international number is dropped when dialling.
            let dialled = candidate.contains("(0)") ? withoutPrefix.replacingOccurrences(of: "^(\\d{1,3})0", with: "$1", options: .regularExpression) : withoutPrefix
            return "+" + dialled
        }
        return candidate.trimmingCharacters(in: .whitespaces)
    }

    private static func isInsideWord(_ scalars: [Unicode.Scalar], _ end: Int) -> Bool {
        end < scalars.count && isLetter(scalars[end])
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0" ... "9").contains(scalar) }
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic }
}
