import Foundation
import ParleyCore

/// The rules for what an admin may use as an e-mail address and a password, with messages that
/// say what is wrong (never echoing a password).
public enum Credentials {
    public static let minPasswordLength = 12

    /// The address lower-cased and trimmed, or `invalid_email`.
    public static func email(_ raw: String) throws -> String {
        guard let email = EmailAddress.normalised(raw) else {
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
