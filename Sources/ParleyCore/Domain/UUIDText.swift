import Foundation

/// A UUID's text (8-4-4-4-12 hexadecimal digits) written from its bytes.
///
/// Foundation's `uuidString` formats it with `snprintf`: every chat turn writes about fifteen
/// ids (log lines, SQLite binds, where ids are stored as Foundation's upper-case text), and that
/// formatting was about 1% of a turn's CPU.
extension UUID {
    /// Upper case, exactly as `uuidString`.
    public var uppercaseText: String { text(Self.upperDigits) }
    /// Lower case, as `uuidString.lowercased()`.
    public var lowercaseText: String { text(Self.lowerDigits) }

    private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)

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
