import Foundation
import Logging
import ParleyCore
import Testing

@Suite("Redaction of PII and secrets")
struct RedactorTests {
    let redactor = Redactor(knownSecrets: ["super-secret-value-123"])

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
