import Crypto
import Foundation
import ParleyCore

/// How a receiver knows a webhook is Parley's: `Parley-Signature: t=<unix seconds>,v1=<hex>`,
/// the hex being HMAC-SHA256 under the endpoint's secret of `<unix seconds>.<body>`. Receivers
/// should refuse timestamps more than five minutes old and deliveries they have seen
/// (`Parley-Delivery`).
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int, body: String) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    public static func hex(secret: String, timestamp: Int, body: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .hexString
    }
}
