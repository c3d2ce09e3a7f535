import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A UUID's text (8-4-4-4-12 hexadecimal digits) written from its bytes and read back without
/// Foundation, and new random UUIDs without Foundation's generator.
///
/// Foundation's `uuidString` formats it with `snprintf`: every chat turn writes about fifteen
/// ids (log lines, SQLite binds, where ids are stored as Foundation's upper-case text), and that
/// formatting was about 1% of a turn's CPU. On Linux `UUID()` opens, reads and closes
/// `/dev/urandom` for every id (5.1 µs each, measured) and `UUID(uuidString:)` parses with
/// `sscanf` (1.4 µs): together about 2% of a chat turn's CPU at 64 visitors (perf).
extension UUID {
    /// A random (version 4) UUID from the system's cryptographic generator (`arc4random_buf`:
    /// one `getrandom` call, about 0.6 µs), as unpredictable as Foundation's `UUID()`.
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { arc4random_buf($0.baseAddress!, $0.count) }
        bytes.6 = (bytes.6 & 0x0F) | 0x40   // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80   // the RFC 4122 variant
        return UUID(uuid: bytes)
    }

    /// Parses the 8-4-4-4-12 text in either case; nil for anything else. Stricter than
    /// `UUID(uuidString:)`, whose `sscanf` also takes a space or a sign in place of a digit.
    public init?(text: String) {
        var parsed: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &parsed) { out -> Bool in
            var utf8 = text.utf8.makeIterator()
            var written = 0
            for position in 0 ..< 36 {
                guard let byte = utf8.next() else { return false }
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard byte == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let nibble = Self.hexValue(byte) else { return false }
                if written & 1 == 0 {
                    out[written / 2] = nibble << 4
                } else {
                    out[written / 2] |= nibble
                }
                written += 1
            }
            return utf8.next() == nil
        }
        guard valid else { return nil }
        self.init(uuid: parsed)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Upper case, exactly as `uuidString`.
    public var uppercaseText: String { text(upperHexDigits) }
    /// Lower case, as `uuidString.lowercased()`.
    public var lowercaseText: String { text(lowerHexDigits) }

    private func text(_ digits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    out[at] = digits[Int(byte >> 4)]
                    out[at + 1] = digits[Int(byte & 0x0f)]
                    at += 2
                }
                return at
            }
        }
    }
}
