import Crypto
import Foundation
import ParleyCore

/// Mailgun's event webhooks (`POST /webhooks/mailgun`): the signature check and what an event
/// means for an e-mail's status.
///
/// Mailgun signs each webhook with HMAC-SHA256 over `timestamp + token`, keyed with the
/// domain's webhook signing key. A signature that does not match is refused; so is a timestamp
/// older than `maxAge` (or more than a minute ahead), and a token this process has already seen
/// within that age (a replay). A replay to another process within the window would apply the
/// same event again, which changes nothing: events never move a status back.
public actor MailgunWebhookVerifier {
    public enum Rejection: Error, Equatable {
        case badSignature, stale, replayed
    }

    private let key: SymmetricKey
    private let maxAge: Duration
    /// Tokens seen, with their timestamps; forgotten once older than `maxAge`.
    private var seen: [String: Double] = [:]
    private var oldest: [(token: String, at: Double)] = []
    private var head = 0

    public init(signingKey: String, maxAge: Duration) {
        self.key = SymmetricKey(data: Data(signingKey.utf8))
        self.maxAge = maxAge
    }

    public func verify(timestamp: String, token: String, signature: String, now: Date = Date()) throws(Rejection) {
        guard timestamp.count <= 20, token.count <= 200, signature.count == 64 else { throw .badSignature }
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + token).utf8), using: key)
        let expected = mac.hexString
        guard ConstantTime.equal(expected, signature.lowercased()) else { throw .badSignature }
        guard let seconds = Double(timestamp), seconds.isFinite else { throw .badSignature }
        let current = now.timeIntervalSince1970
        guard current - seconds <= maxAge.seconds, seconds - current <= 60 else { throw .stale }
        forget(before: current - maxAge.seconds)
        guard seen[token] == nil else { throw .replayed }
        seen[token] = seconds
        oldest.append((token, current))
    }

    private func forget(before cutoff: Double) {
        while head < oldest.count, oldest[head].at < cutoff {
            seen[oldest[head].token] = nil
            head += 1
        }
        if head > 1024, head * 2 > oldest.count {
            oldest.removeFirst(head)
            head = 0
        }
    }
}

/// One Mailgun event, as far as Parley reads it.
public struct MailgunEvent: Sendable, Equatable {
    /// The message's id without angle brackets (`message.headers.message-id`).
    public var messageID: String
    /// The status it leaves the e-mail in (nil: an event that does not change it, like `opened`).
    public var status: EmailStatus?
    /// What happened, for the e-mail's history: the event, its severity and reason.
    public var detail: String

    /// Reads `event-data` from a webhook body; nil when it is not a Mailgun event.
    public init?(eventData data: JSONValue) {
        guard let event = data["event"]?.stringValue, event.count <= 40,
              let id = data["message"]?["headers"]?["message-id"]?.stringValue, !id.isEmpty, id.count <= 300 else { return nil }
        messageID = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        let severity = data["severity"]?.stringValue
        switch event {
        case "accepted": status = .sent
        case "delivered": status = .delivered
        case "failed": status = severity == "temporary" ? nil : .bounced  // temporary: Mailgun tries again
        case "rejected": status = .failed
        case "complained": status = .complained
        default: status = nil
        }
        let reason = data["reason"]?.stringValue ?? data["delivery-status"]?["message"]?.stringValue
        detail = ([event, severity, reason].compactMap { $0 }.joined(separator: ": ")).prefix(300).description
    }
}
