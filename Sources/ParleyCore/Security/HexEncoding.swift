/// Lower-case hexadecimal text of bytes (digests, MACs).
///
/// `String(format: "%02x")` per byte goes through Foundation's formatter and allocates a
/// string per byte; every chat turn hashes its session key, so this writes the digits directly.
extension Sequence where Element == UInt8 {
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
