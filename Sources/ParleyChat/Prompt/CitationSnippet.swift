/// The snippet a citation shows: the start of its passage with whitespace collapsed, cut at
/// the last word boundary within `length` characters (with "…") when longer.
///
/// Every turn makes one per cited passage. Only the first `length + 1` characters are read (a
/// passage is often thousands), and they are read byte by byte while they are ASCII: walking
/// `Character`s runs grapheme breaking on every one. A byte followed by another ASCII byte is a
/// whole character (a carriage return before a line feed is taken with it); anything else is
/// read as the `Character` that starts there, so the result is the same as reading characters.
enum CitationSnippet {
    static func of(_ text: String, length: Int) -> String {
        let utf8 = text.utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(utf8.count, length + 8))
        var count = 0
        var spaceBefore = false
        var onlyASCII = true
        var index = utf8.startIndex
        while index < utf8.endIndex, count <= length {
            let byte = utf8[index]
            var next = utf8.index(after: index)
            if byte < 0x80, next == utf8.endIndex || utf8[next] < 0x80 {
                if byte == 0x0D, next < utf8.endIndex, utf8[next] == 0x0A { next = utf8.index(after: next) }
                index = next
                if isASCIIWhitespace(byte) {
                    spaceBefore = count > 0
                    continue
                }
                if spaceBefore { bytes.append(0x20); count += 1; spaceBefore = false }
                bytes.append(byte)
                count += 1
            } else {
                let character = text[index...].first!
                index = utf8.index(index, offsetBy: character.utf8.count)
                if character.isWhitespace {
                    spaceBefore = count > 0
                    continue
                }
                if spaceBefore {
                    // A mark after whitespace joins the space put in its place: one character.
                    bytes.append(0x20)
                    count += character.unicodeScalars.first.map { " \($0)".count == 1 } == true ? 0 : 1
                    spaceBefore = false
                }
                bytes.append(contentsOf: character.utf8)
                count += 1
                onlyASCII = false
            }
        }
        guard count > length else { return String(decoding: bytes, as: UTF8.self) }
        if onlyASCII {
            let cut = bytes[..<length]
            return String(decoding: cut[..<(cut.lastIndex(of: 0x20) ?? cut.endIndex)], as: UTF8.self) + "…"
        }
        let cut = String(decoding: bytes, as: UTF8.self).prefix(length)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
    }

    /// The ASCII characters `Character.isWhitespace` holds: tab, line feed, vertical tab, form
    /// feed, carriage return and space.
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09 ... 0x0D).contains(byte)
    }
}
