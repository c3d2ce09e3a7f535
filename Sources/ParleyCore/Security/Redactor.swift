import Foundation

/// Removes personal data and credentials from text before it reaches a log line or a
/// stored request body: e-mail addresses, phone numbers, API keys, bearer tokens,
/// `key=value` secrets, and any exact secret values it was told about.
///
/// Its input is often untrusted (a request path, a visitor's message), so its cost must stay
/// linear in the text: every pattern is either a bounded regular expression or a single-pass
/// scanner (`LinearRedaction`), and a test redacts 1 MB of adversarial text against a budget.
public struct Redactor: Sendable {
    private let knownSecrets: [SecretSearch]
    private let personalData: Bool

    /// - Parameter personalData: also redact e-mail addresses and phone numbers (logs);
    ///   false keeps them (stored conversation records, which legitimately hold them).
    public init(knownSecrets: [String] = [], personalData: Bool = true) {
        self.personalData = personalData
        // Short values would redact ordinary words; real secrets are long.
        self.knownSecrets = knownSecrets.filter { $0.count >= 8 }.sorted { $0.count > $1.count }.map(SecretSearch.init)
    }

    static let rules: [(NSRegularExpression, String)] = {
        func rule(_ pattern: String, _ replacement: String) -> (NSRegularExpression, String) {
            // The patterns are literals checked by the unit tests; a failure here is a programming error.
            (try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive]), replacement)
        }
        return [
            rule(#"bearer\s+[A-Za-z0-9._~+/=-]+"#, "Bearer [REDACTED]"),
            rule(#"\b(sk|pk|rk)[-_][A-Za-z0-9_-]{8,}"#, "[REDACTED_KEY]"),
            rule(#"((?:api[_-]?key|secret|password|passwd|token|authorization)["']?[ \t]{0,8}[:=][ \t]{0,8}["']?)[^\s"',;&}]{1,512}"#, "$1[REDACTED]"),
        ]
    }()

    static let phoneCandidate = try! NSRegularExpression(pattern: #"(?<![\w.])\+?\(?\d[\d\s().\-]{6,20}\d(?![\w])"#)

    /// The text with every sensitive span replaced by a marker.
    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var result = text
        for search in knownSecrets where search.isFound(in: result) {
            result = result.replacingOccurrences(of: search.secret, with: "[REDACTED]")
        }
        // An id's text holds nothing else to redact (and one in seven holds a run of digits long
        // enough to send it through the phone pattern).
        if result.utf8.count == 36, UUID(text: result) != nil { return result }
        // The markers put in below add no letter `k` before `-`/`_`, no `:`, `=` or `@` and no
        // digit, and join no two runs of digits, so what the text could match is known before
        // the first replacement: most log values (a method, a path, a status, an id) skip every pass.
        let candidates = Candidates(result)
        if candidates.couldHoldDatabaseURL {
            result = LinearRedaction.databasePasswords(in: result, marker: "[REDACTED]")
        }
        for (index, (regex, template)) in Self.rules.enumerated() where candidates.couldMatch(rule: index) {
            let range = NSRange(result.startIndex..., in: result)
            result = regex.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        guard personalData else { return result }
        if candidates.couldHoldEmail {
            result = LinearRedaction.emails(in: result, marker: "[EMAIL]")
        }
        return candidates.couldHoldPhone ? redactPhones(result) : result
    }

    /// Which patterns a text could match, from one pass over its bytes: most log lines (a method,
    /// a path, a status, a latency) match none, and each regular expression is a pass of its own.
    /// Conservative: a text with any non-ASCII byte could hold digits of other scripts.
    struct Candidates {
        private var bearer = false
        private var keyPrefix = false
        private var assignment = false
        /// A word rule 2 needs before its `:` or `=`: "key", "secret", "passw", "token" or "author".
        private var credentialWord = false
        /// Case-insensitive matching folds some non-ASCII letters into ASCII ones (the Kelvin sign
        /// into `k`, the long s into `s`): a text holding any is a candidate for every rule.
        private var nonASCII = false
        private(set) var couldHoldPhone = false
        /// An address needs its `@` (`LinearRedaction.emails` matches that byte).
        private(set) var couldHoldEmail = false
        /// A `postgres://user:password@` address needs a `:`.
        var couldHoldDatabaseURL: Bool { assignment }

        init(_ text: String) {
            let bearerWord = UInt64(0x62_65_61_72_65_72) // "bearer"
            var window: UInt64 = 0
            var previous: UInt8 = 0
            // Digits in the current run of digits and phone separators, and the most in any run.
            var runDigits = 0
            var mostRunDigits = 0
            for byte in text.utf8 {
                let lower = byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0)
                window = ((window << 8) | UInt64(lower)) & 0xFFFF_FFFF_FFFF
                if window == bearerWord { bearer = true }
                if !credentialWord { credentialWord = Self.endsCredentialWord(window) }
                if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) && previous == UInt8(ascii: "k") { keyPrefix = true }
                if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "=") { assignment = true }
                if byte == UInt8(ascii: "@") { couldHoldEmail = true }
                if byte >= 0x30 && byte <= 0x39 {
                    runDigits += 1
                    mostRunDigits = max(mostRunDigits, runDigits)
                } else if !Self.isPhoneSeparator(byte) {
                    runDigits = 0
                }
                if byte >= 0x80 { nonASCII = true }
                previous = lower
            }
            // A phone number is one run of digits and separators holding 9 digits or more: ids
            // (UUIDs in every request's log line) hold as many digits, but split by letters.
            couldHoldPhone = nonASCII || mostRunDigits >= 9
        }

        /// What the phone pattern allows between digits (`\s().-`, ASCII) and before them (`+`).
        private static func isPhoneSeparator(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: " "), 0x09 ... 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"):
                true
            default:
                false
            }
        }

        /// Whether the last bytes read (lower-cased, newest lowest) end one of rule 2's words, or
        /// "author" of "authorization".
        private static func endsCredentialWord(_ window: UInt64) -> Bool {
            window & 0xFF_FFFF == 0x6B_65_79 // "key"
                || window & 0xFF_FFFF_FFFF == 0x74_6F_6B_65_6E // "token"
                || window & 0xFF_FFFF_FFFF == 0x70_61_73_73_77 // "passw"
                || window == 0x73_65_63_72_65_74 // "secret"
                || window == 0x61_75_74_68_6F_72 // "author"
        }

        /// Rule 0 needs "bearer", rule 1 "k-" or "k_", rule 2 a credential's name and a `:` or `=`
        /// (the prompts stored with a model call hold colons, and few of these names).
        func couldMatch(rule: Int) -> Bool {
            switch rule {
            case 0: bearer || nonASCII
            case 1: keyPrefix || nonASCII
            case 2: assignment && (credentialWord || nonASCII)
            default: true
            }
        }
    }

    /// Redacts every string inside a JSON document (keys are kept; values named like secrets are blanked).
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let string): return .string(redact(string))
        case .array(let array): return .array(array.map(redact))
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, entry) in object {
                if Self.namesCredential(key), case .string = entry {
                    result[key] = .string("[REDACTED]")
                } else {
                    result[key] = redact(entry)
                }
            }
            return .object(result)
        default: return value
        }
    }

    static let credentialNames = ["api_key", "apikey", "authorization", "password", "secret", "token"]
    private static let credentialNameBytes = credentialNames.map { Array($0.utf8) }

    /// Whether an object's key names a credential (`api_key`, `Authorization`, `x-token`, …), in
    /// any case. Every key of every stored request body is asked: an ASCII key is compared byte by
    /// byte, without Foundation's case-folding search; others are lower-cased first (the Kelvin
    /// sign lower-cases to `k`).
    static func namesCredential(_ key: String) -> Bool {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
            let lowered = key.lowercased()
            return credentialNames.contains(where: lowered.contains)
        }
        let bytes = key.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        return credentialNameBytes.contains { name in
            bytes.count >= name.count && (0 ... bytes.count - name.count).contains { start in
                bytes[start ..< start + name.count].elementsEqual(name)
            }
        }
    }

    /// Whether `range` lies inside an id's text (8-4-4-4-12 hex digits, delimited by anything
    /// but a hex digit or `-`): an id with neighbouring all-digit groups ("12345678-1234-…") looks
    /// like a phone number to the pattern, and one log line in sixty lost its session id so.
    static func liesInsideID(_ range: NSRange, of text: NSString) -> Bool {
        func isIDCharacter(_ unit: unichar) -> Bool {
            (0x30 ... 0x39).contains(unit) || (0x41 ... 0x46).contains(unit) || (0x61 ... 0x66).contains(unit) || unit == 0x2D
        }
        var start = range.location
        while start > 0, isIDCharacter(text.character(at: start - 1)) { start -= 1 }
        var end = range.location + range.length
        while end < text.length, isIDCharacter(text.character(at: end)) { end += 1 }
        return end - start == 36 && UUID(text: text.substring(with: NSRange(location: start, length: 36))) != nil
    }

    /// Phone numbers: 9 to 15 digits with the usual separators. Dates, short numbers and ids are left alone.
    func redactPhones(_ text: String) -> String {
        let ns = text as NSString
        let matches = Self.phoneCandidate.matches(in: text, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return text }
        var result = text
        for match in matches.reversed() {
            let candidate = ns.substring(with: match.range)
            let digits = candidate.filter(\.isNumber).count
            guard (9...15).contains(digits), let range = Range(match.range, in: result) else { continue }
            if candidate.range(of: #"^\d{4}-\d{2}-\d{2}"#, options: .regularExpression) != nil { continue }
            if Self.liesInsideID(match.range, of: ns) { continue }
            result.replaceSubrange(range, with: "[PHONE]")
        }
        return result
    }
}
