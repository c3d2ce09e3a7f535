import Foundation
import ParleyCore

/// The rules for what an admin may use as an e-mail address and a password, with messages that
/// say what is wrong (never echoing a password).
public enum Credentials {
    public static let minPasswordLength = 12

    /// The address lower-cased and trimmed, or `invalid_email`.
    public static func email(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, (1 ... 64).contains(parts[0].count), parts[1].count >= 3,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              email.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) })
        else {
            throw ParleyError.badRequest("invalid_email", "That is not an e-mail address like name@example.com.")
        }
        return email
    }

    /// Accepts a password of at least `minPasswordLength` characters that is not the e-mail address.
    public static func checkPassword(_ password: String, email: String) throws {
        guard password.count >= minPasswordLength else {
            throw ParleyError.badRequest("weak_password", "A password needs at least \(minPasswordLength) characters.")
        }
        guard password.utf8.count <= PasswordHasher.maxPasswordBytes else {
            throw ParleyError.badRequest("password_too_long", "A password can be at most \(PasswordHasher.maxPasswordBytes) bytes.")
        }
        guard password.lowercased() != email.lowercased(), Set(password).count > 3 else {
            throw ParleyError.badRequest("weak_password", "Choose a password that is not your e-mail address or one repeated character.")
        }
    }
}
