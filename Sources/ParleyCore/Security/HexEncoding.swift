/// Lower-case hexadecimal text of bytes (digests, MACs).
///
/// `String(format: "%02x")` per byte goes through Foundation's formatter and allocates a
/// string per byte; every chat turn hashes its session key, so this writes the digits directly.
extension Sequence where Element == UInt8 {
    public var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(lowerHexDigits[Int(byte >> 4)])
            text.append(lowerHexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The digit tables, made once (a generic extension cannot hold a static table); ``UUID``'s text
/// uses them too.
let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)
let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
