import Crypto
import Foundation
import ParleyCore
import ParleyMail
import Testing

/// Mailgun's webhook signature (HMAC-SHA256 over timestamp + token), its age and its token's
/// single use; and what each event means for an e-mail.
@Suite("Mailgun webhook verification")
struct MailgunWebhookVerifierTests {
    static let key = "signing-key-0123456789abcdef"

    static func sign(_ timestamp: String, _ token: String, key: String = key) -> String {
        HMAC<SHA256>.authenticationCode(for: Data((timestamp + token).utf8), using: SymmetricKey(data: Data(key.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    @Test func aFreshSignedTokenIsAcceptedOnce() async throws {
        let verifier = MailgunWebhookVerifier(signingKey: Self.key, maxAge: .seconds(300))
        let now = Date()
        let stamp = String(Int(now.timeIntervalSince1970))
        try await verifier.verify(timestamp: stamp, token: "t1", signature: Self.sign(stamp, "t1"), now: now)
        await #expect(throws: MailgunWebhookVerifier.Rejection.replayed) {
            try await verifier.verify(timestamp: stamp, token: "t1", signature: Self.sign(stamp, "t1"), now: now)
        }
        await #expect(throws: MailgunWebhookVerifier.Rejection.badSignature) {
            try await verifier.verify(timestamp: stamp, token: "t2", signature: Self.sign(stamp, "t2", key: "another-key-0123456789"), now: now)
        }
        await #expect(throws: MailgunWebhookVerifier.Rejection.badSignature) {
            try await verifier.verify(timestamp: stamp, token: "t3", signature: Self.sign(stamp, "t2"), now: now)
        }
        let old = String(Int(now.timeIntervalSince1970) - 301)
        await #expect(throws: MailgunWebhookVerifier.Rejection.stale) {
            try await verifier.verify(timestamp: old, token: "t4", signature: Self.sign(old, "t4"), now: now)
        }
        let future = String(Int(now.timeIntervalSince1970) + 120)
        await #expect(throws: MailgunWebhookVerifier.Rejection.stale) {
            try await verifier.verify(timestamp: future, token: "t5", signature: Self.sign(future, "t5"), now: now)
        }
        // Tokens are remembered only as long as their timestamps could pass.
        let later = now.addingTimeInterval(400)
        let newStamp = String(Int(later.timeIntervalSince1970))
        try await verifier.verify(timestamp: newStamp, token: "t1", signature: Self.sign(newStamp, "t1"), now: later)
    }

    @Test func hostileFieldsAreRefusedWithoutWork() async {
        let verifier = MailgunWebhookVerifier(signingKey: Self.key, maxAge: .seconds(300))
        await #expect(throws: MailgunWebhookVerifier.Rejection.badSignature) {
            try await verifier.verify(timestamp: String(repeating: "9", count: 10_000), token: "t", signature: String(repeating: "a", count: 64))
        }
        await #expect(throws: MailgunWebhookVerifier.Rejection.badSignature) {
            try await verifier.verify(timestamp: "1", token: String(repeating: "t", count: 100_000), signature: String(repeating: "a", count: 64))
        }
        let stamp = "nan"
        await #expect(throws: MailgunWebhookVerifier.Rejection.badSignature) {
            try await verifier.verify(timestamp: stamp, token: "t", signature: Self.sign(stamp, "t"))
        }
    }

    @Test func eventsMapToStatuses() {
        func event(_ name: String, severity: String? = nil) -> MailgunEvent? {
            var data: [String: JSONValue] = ["event": .string(name), "message": .object(["headers": .object(["message-id": "<abc@mg.example>"])])]
            if let severity { data["severity"] = .string(severity) }
            return MailgunEvent(eventData: .object(data))
        }
        #expect(event("delivered")?.status == .delivered && event("delivered")?.messageID == "abc@mg.example")
        #expect(event("failed", severity: "permanent")?.status == .bounced)
        #expect(event("failed", severity: "temporary")?.status == nil)
        #expect(event("rejected")?.status == .failed)
        #expect(event("complained")?.status == .complained)
        #expect(event("opened")?.status == nil)
        #expect(MailgunEvent(eventData: .object(["event": "delivered"])) == nil, "no message id")
        #expect(MailgunEvent(eventData: .string("x")) == nil)
    }
}
