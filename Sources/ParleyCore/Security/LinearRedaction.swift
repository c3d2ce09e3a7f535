/// Scanners for the redactor's patterns whose regular expressions backtrack on untrusted text.
/// `[A-Za-z0-9._%+-]+@…` tried at every start of a long run of word characters costs time
/// quadratic in the run (a 79 KB request path took 46 s to log). These walk the UTF-8 bytes
/// once: each match is found from its anchor (`@`, `://`) by bounded steps to either side.
public enum LinearRedaction {
    /// Replaces e-mail addresses (`local@domain.tld`) with `marker`.
    static func emails(in text: String, marker: String) -> String {
        replacing(in: text, marker: marker, match: emailMatch)
    }

    /// The e-mail addresses in `text`, in order (the same scanner, for the lead extractor).
    public static func emailAddresses(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var found: [String] = []
        var index = 0
        var covered = 0
        while index < bytes.count {
            if index >= covered, let range = emailMatch(bytes, index) {
                found.append(String(decoding: bytes[range], as: UTF8.self))
                covered = range.upperBound
            }
            index += 1
        }
        return found
    }

    /// The address around the `@` at `at`, if there is one.
    static func emailMatch(_ bytes: [UInt8], _ at: Int) -> Range<Int>? {
        guard bytes[at] == UInt8(ascii: "@") else { return nil }
        // Local part: at most 64 characters back (RFC 5321), so the work per '@' is bounded.
        var start = at
        while start > 0, at - start < 64, isLocal(bytes[start - 1]) { start -= 1 }
        guard start < at else { return nil }
        // Domain: labels of letters, digits, '-' and '.', at most 255 characters, ending in a TLD of 2+ letters.
        var end = at + 1
        while end < bytes.count, end - at <= 255, isDomain(bytes[end]) { end += 1 }
        while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
        guard let dot = bytes[(at + 1) ..< end].lastIndex(of: UInt8(ascii: ".")), dot > at + 1 else { return nil }
        let tld = bytes[(dot + 1) ..< end]
        guard tld.count >= 2, tld.allSatisfy(isLetter) else { return nil }
        return start ..< end
    }

    /// Replaces the password of `postgres://user:password@` URLs, keeping the rest.
    static func databasePasswords(in text: String, marker: String) -> String {
        let scheme = Array("://".utf8)
        return replacing(in: text, marker: marker) { bytes, at in
            guard bytes[at] == UInt8(ascii: ":"), at + 3 <= bytes.count, Array(bytes[at ..< at + 3]) == scheme,
                  hasSuffix(bytes, before: at, "postgres") || hasSuffix(bytes, before: at, "postgresql") else { return nil }
            // user, then ':' then password up to '@', each bounded (256): no scan to the end of the text.
            var index = at + 3
            let userStart = index
            while index < bytes.count, index - userStart < 256, !isSpace(bytes[index]),
                  bytes[index] != UInt8(ascii: ":"), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "@") { index += 1 }
            guard index > userStart, index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let passwordStart = index + 1
            index = passwordStart
            while index < bytes.count, index - passwordStart < 256, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "@") { index += 1 }
            guard index > passwordStart, index < bytes.count, bytes[index] == UInt8(ascii: "@") else { return nil }
            return passwordStart ..< index
        }
    }

    /// Walks `text` once; `match` looks at the byte at `at` and returns a range to replace, or
    /// nil. A range that starts inside the previous replacement is ignored.
    private static func replacing(in text: String, marker: String,
                                  match: (_ bytes: [UInt8], _ at: Int) -> Range<Int>?) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var copied = 0
        var at = 0
        var changed = false
        while at < bytes.count {
            if let range = match(bytes, at), range.lowerBound >= copied {
                output.append(contentsOf: bytes[copied ..< range.lowerBound])
                output.append(contentsOf: marker.utf8)
                copied = range.upperBound
                at = max(range.upperBound, at + 1)
                changed = true
            } else {
                at += 1
            }
        }
        guard changed else { return text }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }

    private static func hasSuffix(_ bytes: [UInt8], before index: Int, _ word: String) -> Bool {
        let letters = Array(word.utf8)
        guard index >= letters.count else { return false }
        for (offset, letter) in letters.enumerated() where lower(bytes[index - letters.count + offset]) != letter { return false }
        let before = index - letters.count - 1
        return before < 0 || !isWordByte(bytes[before])
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (65 ... 90).contains(byte) ? byte + 32 : byte }
    private static func isLetter(_ byte: UInt8) -> Bool { (65 ... 90).contains(byte) || (97 ... 122).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (48 ... 57).contains(byte) }
    private static func isWordByte(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (9 ... 13).contains(byte) }
    private static func isLocal(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte)
    }
    private static func isDomain(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
