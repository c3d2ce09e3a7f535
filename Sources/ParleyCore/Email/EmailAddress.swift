import Foundation

/// What Parley accepts as an e-mail address (an admin's sign-in, a lead's address, a sales
/// recipient): one `@`, a dotted domain, no spaces, quotes, brackets or control characters, at
/// most 254 bytes. Strict enough that an address can go in a header or a CSV cell as it is.
public enum EmailAddress {
    /// The address trimmed and lower-cased, or nil when it is not one.
    public static func normalised(_ raw: String) -> String? {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, (1 ... 64).contains(parts[0].count), parts[1].count >= 3,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
              email.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"<>()[]\\,;:\"'".unicodeScalars.contains($0) })
        else { return nil }
        return email
    }
}
