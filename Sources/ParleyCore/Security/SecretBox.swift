import Crypto
import Foundation

/// Seals secrets Parley must read back (webhook signing secrets) under a key derived from the
/// server secret (HKDF-SHA256, AES-GCM): a copy of the database alone does not reveal them. A
/// changed server secret makes sealed secrets unreadable; their endpoints must be made again.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(serverSecret: String, purpose: String) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(serverSecret.utf8)), info: Data("parley.\(purpose)".utf8),
                                     outputByteCount: 32)
    }

    /// Base64 of nonce, ciphertext and tag.
    public func seal(_ secret: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else {
            throw ParleyError.internalFailure("a secret could not be sealed")
        }
        return combined.base64EncodedString()
    }

    /// The secret, or nil when it was sealed under another key or is not a sealed box.
    public func open(_ sealed: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}
