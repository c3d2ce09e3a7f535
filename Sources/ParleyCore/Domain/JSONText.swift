/// Writes ``JSONValue``s as compact JSON text without `JSONEncoder`'s per-call set-up and
/// boxing, byte for byte what `JSONEncoder` writes with sorted keys and unescaped slashes.
public enum JSONText {
    public static func write(_ value: JSONValue, to text: inout String) {
        switch value {
        case .null:
            text += "null"
        case .bool(let flag):
            text += flag ? "true" : "false"
        case .number(let number):
            text += number.isFinite ? Self.number(number) : "null"
        case .string(let string):
            writeString(string, to: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            // In UTF-8 byte order, as JSONEncoder sorts (not Swift's normalised `<`).
            for (index, field) in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { text += "," }
                writeString(field.key, to: &text)
                text += ":"
                write(field.value, to: &text)
            }
            text += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, nothing else.
    ///
    /// Most strings (ids, titles, a passage's sentences) need no escape: one scan of their bytes
    /// finds that, and they are appended whole.
    public static func writeString(_ string: String, to text: inout String) {
        text += "\""
        let needsEscape = string.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        if needsEscape == false {
            text += string
            text += "\""
            return
        }
        var plainStart = string.utf8.startIndex
        let utf8 = string.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index = utf8.index(after: index)
                continue
            }
            text += string[plainStart..<index]
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x08: text += "\\b"
            case 0x0C: text += "\\f"
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            default:
                text += "\\u00"
                text += String(byte >> 4, radix: 16)
                text += String(byte & 0x0F, radix: 16)
            }
            index = utf8.index(after: index)
            plainStart = index
        }
        text += string[plainStart..<utf8.endIndex]
        text += "\""
    }

    /// As `JSONValue` encodes a number: whole numbers below 10^15 as integers (so `-0` is `0`),
    /// others as `JSONEncoder` writes a `Double`: Swift's shortest description, without a trailing `.0`.
    static func number(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return Int64(number).description }
        let description = number.description
        return description.hasSuffix(".0") ? String(description.dropLast(2)) : description
    }
}
