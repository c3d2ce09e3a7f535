import Foundation

/// A UUID's text (8-4-4-4-12 hexadecimal digits) written from its bytes.
///
/// Foundation's `uuidString` formats it with `snprintf`: every chat turn writes about fifteen
/// ids (log lines, SQLite binds, where ids are stored as Foundation's upper-case text), and that
/// formatting was about 1% of a turn's CPU.
extension UUID {
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
