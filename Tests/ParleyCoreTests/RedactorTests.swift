import Foundation
import Logging
@testable import ParleyCore
import Testing

@Suite("Redaction of PII and secrets")
struct RedactorTests {
    let redactor = Redactor(knownSecrets: ["super-secret-value-123"])

    @Test func credentialKeysAreFoundAsByLowercasingAndSearching() {
        let pieces = ["api_key", "APIKEY", "Api_Key", "x-", "Authorization", "PASS", "word", "Secret", "tok", "en", "TOKEN", "id", "_",
                      "\u{212A}", "é", "İ", "ß", "a", "Z", "-", "pAsSwOrD", "secre", "t"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 10_000 {
            let key = (0 ..< Int.random(in: 0 ... 5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let lowered = key.lowercased()
            #expect(Redactor.namesCredential(key) == Redactor.credentialNames.contains(where: lowered.contains), "\(key)")
        }
        #expect(Redactor.namesCredential("X-Api_Key") && Redactor.namesCredential("\u{212A}ey_TO\u{212A}EN") && !Redactor.namesCredential("model"))
        let body: JSONValue = .object(["Authorization": .string("Bearer x"), "session_token": .string("abc"), "content": .string("hi"),
                                       "tokens": .number(3)])
        #expect(redactor.redact(body) == .object(["Authorization": .string("[REDACTED]"), "session_token": .string("[REDACTED]"),
                                                  "content": .string("hi"), "tokens": .number(3)]))
    }

    @Test func emailsPhonesAndKeysAreRemoved() {
        let text = "Mail jane.doe+x@example.co.uk or call +1 (415) 555-0199; key sk_live_ABCDEF123456 and Bearer abc.def.ghi"
        let redacted = redactor.redact(text)
        #expect(!redacted.contains("jane.doe"))
        #expect(!redacted.contains("555-0199"))
        #expect(!redacted.contains("sk_live_ABCDEF123456"))
        #expect(!redacted.contains("abc.def.ghi"))
        #expect(redacted.contains("[EMAIL]"))
        #expect(redacted.contains("[PHONE]"))
    }

    @Test func knownSecretsAndAssignmentsAreRemoved() {
        let redacted = redactor.redact("api_key=abcd1234 password: hunter22 value super-secret-value-123 postgres://u:pw@db/x")
        #expect(!redacted.contains("abcd1234"))
        #expect(!redacted.contains("hunter22"))
        #expect(!redacted.contains("super-secret-value-123"))
        #expect(!redacted.contains(":pw@"))
    }

    @Test func ordinaryTextDatesAndNumbersSurvive() {
        let text = "Order 1234 shipped on 2026-11-23 at 10:30, total 49.99 for 3 items"
        #expect(redactor.redact(text) == text)
    }

    @Test func credentialsOnlyModeKeepsPersonalData() {
        let keysOnly = Redactor(personalData: false)
        let redacted = keysOnly.redact("reach me at jane@example.com, key sk_test_1234567890")
        #expect(redacted.contains("jane@example.com"))
        #expect(!redacted.contains("sk_test_1234567890"))
    }

    @Test func jsonValuesAreRedactedRecursively() {
        let value: JSONValue = ["headers": ["Authorization": "Bearer sk-xyz"], "messages": [["content": "I am bob@example.com"]]]
        let redacted = redactor.redact(value).jsonString
        #expect(!redacted.contains("sk-xyz"))
        #expect(!redacted.contains("bob@example.com"))
    }

    @Test func logLinesCarryContextFieldsAndNoPII() throws {
        let line = JSONLLogHandler.render(
            level: .info, message: "visitor wrote jane@example.com", label: "test",
            metadata: ["request_id": "r1", "tenant": "demo", "session": "s1", "event": "chat_turn", "latency_ms": "12"],
            redactor: redactor)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["request_id"] as? String == "r1")
        #expect(object?["tenant"] as? String == "demo")
        #expect(object?["session"] as? String == "s1")
        #expect(object?["event"] as? String == "chat_turn")
        #expect(object?["latency_ms"] as? Int == 12)
        #expect(object?["level"] as? String == "INFO")
        #expect(object?["timestamp"] != nil)
        #expect(!line.contains("jane@example.com"))
    }
}

/// The redactor's cost stays linear on text built to make regular expressions backtrack:
/// each adversarial megabyte must redact within a budget measured, in the same run, on a
/// megabyte of ordinary prose (before the fix, 79 KB of letters took 46 s).
@Suite("Redaction of adversarial text")
struct AdversarialRedactionTests {
    static let size = 1 << 20

    static func repeated(_ unit: String, tail: String = "") -> String {
        String(repeating: unit, count: size / unit.utf8.count) + tail
    }

    static let adversarial: [(String, String)] = [
        ("a long run of word characters", repeated("a")),
        ("word characters then one @", repeated("a", tail: "@")),
        ("alternating local parts and @", repeated("ab.c@")),
        ("@ before long domains", repeated("@" + String(repeating: "d", count: 300))),
        ("database URLs without @", repeated("postgres://a:")),
        ("digits and separators", repeated("1 (2) 3-")),
        ("secret keywords and spaces", repeated("password        ")),
        ("bearer and spaces", repeated("bearer      ,")),
        ("key prefixes", repeated("sk_sk-")),
    ]

    static func seconds(_ work: () -> Void) -> Double {
        let started = ContinuousClock.now
        work()
        let elapsed = started.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    @Test func everyAdversarialMegabyteRedactsInLinearTime() async throws {
        let redactor = Redactor(knownSecrets: ["super-secret-value-123"])
        let prose = Self.repeated("Customers write to jane@example.com or call +1 415 555 0199 about their order of 3 bikes. ")
        let results = try await DispatchQueue.global().perform {
            let plain = Self.seconds { _ = redactor.redact(prose) }
            return (plain, Self.adversarial.map { name, text in (name, Self.seconds { _ = redactor.redact(text) }) })
        }
        let budget = max(results.0 * 10, 0.5)
        print("redaction of 1 MB: prose \(results.0) s; " + results.1.map { "\($0.0): \($0.1) s" }.joined(separator: "; "))
        for (name, took) in results.1 {
            #expect(took <= budget, "\(name): \(took) s for 1 MB; budget \(budget) s (ordinary prose: \(results.0) s)")
        }
    }

    @Test func matchesAreStillFoundInsideHostileText() {
        let redactor = Redactor()
        let text = String(repeating: "a", count: 100_000) + " mail bob@example.org now postgres://app:hunter2@db:5432/x"
        let redacted = redactor.redact(text)
        #expect(!redacted.contains("bob@example.org") && redacted.contains("[EMAIL]"))
        #expect(!redacted.contains("hunter2") && redacted.contains("postgres://app:[REDACTED]@db"))
        // A local part longer than 64 characters is cut at 64: the address is still redacted.
        let long = String(repeating: "x", count: 200) + "@example.com"
        #expect(!redactor.redact(long).contains("@example.com"))
    }
}

@Suite("Bounded log lines")
struct BoundedLogLineTests {
    @Test func longMessagesAndFieldsAreCutWithTheirLength() throws {
        let huge = String(repeating: "é", count: 40_000)
        let line = JSONLLogHandler.render(level: .info, message: "GET /" + huge, label: "test",
                                          metadata: ["path": .string(huge)], redactor: Redactor())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let message = try #require(object["message"] as? String)
        #expect(message.utf8.count < JSONLLogHandler.maxMessageBytes + 64)
        #expect(message.hasSuffix("…(80005 bytes)"))
        let path = try #require(object["path"] as? String)
        #expect(path.utf8.count < JSONLLogHandler.maxFieldBytes + 64)
        #expect(path.hasPrefix("éé"))
    }
}

/// The one-pass pre-check that lets most log lines skip the redactor's regular expressions must
/// never skip a text that one of them would change.
@Suite("Redaction pre-check")
struct RedactionCandidatesTests {
    static let fragments = ["Bearer abc.def", "BEARER", "bear", "er", "sk-", "SK_", "pk-abcdefgh123", "k", "-", "_", "token", "=", ":",
                            "password: hunter2", "+49 30 1234567", "12345", "6789", "٣٤٥٦٧٨٩٠١٢", "(030) 123-45", " ", "é", "a@b.example",
                            "/a/sales/chat", "GET", "200", "2026-12-05T09:00:00Z", "x", "68069C60-2F50-4D5E-81FE-4F38B30EC834",
                            "12345678-1234-5678", "\t", "\u{0B}", "\r\n", ".", "(", ")", "+", "9",
                            "api_", "API-", "Key", "apikey", "secret", "SECRET", "Passwd", "passw", "ord", "Authorization", "author",
                            "toke", "n", "\"", "'", "\u{212A}", "\u{17F}", "se", "cret", "\u{212A}ey"]

    @Test func noTextThatAPatternMatchesIsSkipped() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 1...6, using: &random)).map { _ in Self.fragments.randomElement(using: &random)! }.joined()
            let candidates = Redactor.Candidates(text)
            let range = NSRange(text.startIndex..., in: text)
            for (index, (regex, _)) in Redactor.rules.enumerated() where regex.firstMatch(in: text, range: range) != nil {
                #expect(candidates.couldMatch(rule: index), "rule \(index) matches \(text.debugDescription)")
            }
            let phones = Redactor.phoneCandidate.matches(in: text, range: range).filter { match in
                (9...15).contains((text as NSString).substring(with: match.range).filter(\.isNumber).count)
            }
            if !phones.isEmpty { #expect(candidates.couldHoldPhone, "a phone number in \(text.debugDescription)") }
        }
    }

    /// The redactor with every pass run whatever the text holds (as before the pre-check also
    /// guarded the database-address and e-mail passes).
    static func everyPass(_ redactor: Redactor, _ secrets: [String], personalData: Bool, _ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) { result = result.replacingOccurrences(of: secret, with: "[REDACTED]") }
        result = LinearRedaction.databasePasswords(in: result, marker: "[REDACTED]")
        for (regex, template) in Redactor.rules {
            result = regex.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        guard personalData else { return result }
        return redactor.redactPhones(LinearRedaction.emails(in: result, marker: "[EMAIL]"))
    }

    @Test func skippedPassesWouldHaveChangedNothing() {
        let secrets = ["super-secret-value-123"]
        let fragments = Self.fragments + ["postgres://", "postgresql://u:pw@db/x", "postgres://u:", "@db", "jane.doe+x@example.co.uk", "@",
                                          "super-secret-", "value-123", "mail me at ", "x@", "user:pass@host"]
        var random = SplitMix64(seed: 11)
        for personalData in [true, false] {
            let redactor = Redactor(knownSecrets: secrets, personalData: personalData)
            for _ in 0..<10_000 {
                let text = (0..<Int.random(in: 1...6, using: &random)).map { _ in fragments.randomElement(using: &random)! }.joined()
                #expect(redactor.redact(text) == Self.everyPass(redactor, secrets, personalData: personalData, text), "\(text.debugDescription)")
            }
        }
        #expect(!Redactor.Candidates("GET /a/sales/chat 200").couldHoldEmail && !Redactor.Candidates("200").couldHoldDatabaseURL)
        #expect(Redactor.Candidates("a@b").couldHoldEmail && Redactor.Candidates("postgres://u:p@h").couldHoldDatabaseURL)
    }

    @Test func idsThatLookLikePhoneNumbersAreKept() {
        let redactor = Redactor()
        // Each held a run the phone pattern took (the first as logged: "[PHONE]-4d92-b60c-e3b818feb6c6").
        for id in ["12345678-1234-4d92-b60c-e3b818feb6c6", "ABCDEF12-3456-7890-1234-56789ABCDEF0", "abcdef12-3456-7890-1234-0123456789ab"] {
            #expect(redactor.redact(id) == id)
            #expect(redactor.redact("GET /api/v1/sessions/\(id)/messages") == "GET /api/v1/sessions/\(id)/messages")
            #expect(redactor.redact(JSONValue.string(id)) == .string(id))
        }
        // Not an id's shape: still a phone number.
        #expect(redactor.redact("call 12345678-1234 now") == "call [PHONE] now")
        #expect(redactor.redact("12345678-1234-zzzz") == "[PHONE]-zzzz", "not an id's shape")
        #expect(redactor.redact("id 12345678-4d92-b60c-e3b8-18feb6c6a1b2, phone +49 30 1234567")
                    == "id 12345678-4d92-b60c-e3b8-18feb6c6a1b2, phone [PHONE]")
    }

    @Test func secretsAreFoundWhereFoundationFindsThem() {
        let secrets = ["postgres://peer@127.0.0.1:5432/parley", "sk-live-ABCDEFGH", "Key12345", "\u{212A}ey12345", "caf\u{E9}-secret",
                       "cafe\u{301}-secret", "line\nbreak1"]
        let pieces = ["postgres://peer@127.0.0.1:5432/parley", "postgres://peer@", "127.0.0.1:5432/parley", "sk-live-", "ABCDEFGH", "Key",
                      "12345", "\u{212A}ey", "caf\u{E9}", "cafe\u{301}", "-secret", "line", "\nbreak1", "\r\n", " ", "x", "é", "K"]
        var random = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            for secret in secrets {
                #expect(SecretSearch(secret).isFound(in: text) == text.contains(secret), "\(secret.debugDescription) in \(text.debugDescription)")
            }
        }
        let repetitive = SecretSearch("aaaaaaab")
        #expect(repetitive.isFound(in: String(repeating: "a", count: 10_000) + "b") && !repetitive.isFound(in: String(repeating: "a", count: 10_000)))
        #expect(SecretSearch("abcabcabd").isFound(in: "xxabcabcabcabdxx") && !SecretSearch("abcabcabd").isFound(in: "abcabcabcab"))
    }

    @Test func ordinaryLogLinesSkipThePatterns() {
        let line = Redactor.Candidates("POST /a/sales/chat 201 4ms")
        #expect(!line.couldMatch(rule: 0) && !line.couldMatch(rule: 1) && !line.couldMatch(rule: 2) && !line.couldHoldPhone)
        #expect(!Redactor.Candidates("Sources: [1] Pricing https://example.com/p?a=1").couldMatch(rule: 2), "colons, no credential")
        #expect(Redactor.Candidates("the API key: abc").couldMatch(rule: 2) && Redactor.Candidates("Authorization=x").couldMatch(rule: 2))
        #expect(!Redactor.Candidates("68069C60-2F50-4D5E-81FE-4F38B30EC834").couldHoldPhone, "a request id")
        #expect(Redactor.Candidates("call 030 123-456 78").couldHoldPhone)
        #expect(Redactor().redact("sent Bearer abc.def and sk-abcdefgh123, call +49 30 1234567")
                    == "sent Bearer [REDACTED] and [REDACTED_KEY], call [PHONE]")
    }
}
