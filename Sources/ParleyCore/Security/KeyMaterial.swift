import Crypto
import Foundation

/// Random credentials and their one-way hashes. Tenant API keys and visitor session keys
/// are stored only as SHA-256 hashes: they are long random strings, so a fast hash is enough
/// and lets a lookup be one indexed equality.
public enum KeyMaterial {
    /// `prefix` followed by `byteCount` random bytes in base64url (no padding).
    public static func randomKey(prefix: String, byteCount: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64URLEncoded()
    }

    /// Lower-case hex SHA-256 of the UTF-8 text.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).hexString
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), safe in URLs and headers.
    public func base64URLEncoded() -> String {
        Base64URL.encode(self)
    }

    /// Decodes unpadded base64url; nil on any other character.
    public init?(base64URLEncoded text: String) {
        guard let bytes = Base64URL.decode(text) else { return nil }
        self.init(bytes)
    }
}
