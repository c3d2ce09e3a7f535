/// Lower-case hexadecimal text of bytes (digests, MACs).
///
/// `String(format: "%02x")` per byte goes through Foundation's formatter and allocates a
/// string per byte; every chat turn hashes its session key, so this writes the digits directly.
extension Sequence where Element == UInt8 {
    public var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Made once: a generic extension cannot hold a static table.
private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
