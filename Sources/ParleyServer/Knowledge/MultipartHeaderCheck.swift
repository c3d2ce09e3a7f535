import NIOCore

/// Refuses a multipart body whose part headers name a header with a byte outside ASCII, before
/// MultipartKit parses it. MultipartKit 4.7.1 (the only version on our mirror) looks such a byte
/// up in a 128-entry table and traps, which stops the whole server: schemathesis found it with
/// one request. Header values may hold UTF-8 (a file name like résumé.pdf) and are not checked.
enum MultipartHeaderCheck {
    /// Whether every header name in every part is ASCII. It looks after each `--boundary` line at
    /// the lines up to the first empty line, which covers every place the parser reads a name.
    static func namesAreASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let bytes = Array(body.readableBytesView)
        let delimiter = Array(("--" + boundary).utf8)
        // RFC 2046 limits a boundary to 70 characters; a longer one is not a form we read.
        guard boundary.utf8.count <= 70 else { return false }
        guard !boundary.isEmpty, bytes.count >= delimiter.count else { return true }
        // Lines start right after a CR LF whichever delimiter led to them, so a delimiter inside
        // lines already checked adds nothing: skipping it keeps the whole check linear.
        var checkedThrough = 0
        for start in occurrences(of: delimiter, in: bytes) where start >= checkedThrough {
            var position = start + delimiter.count
            // The parser reads headers only after the delimiter's CRLF.
            guard position + 1 < bytes.count, bytes[position] == 13, bytes[position + 1] == 10 else { continue }
            position += 2
            // Header lines until an empty line (or the end).
            lines: while position < bytes.count {
                if bytes[position] == 13 { break lines }
                var inName = true
                while position < bytes.count, bytes[position] != 13 {
                    if bytes[position] == UInt8(ascii: ":") { inName = false }
                    if inName, bytes[position] >= 0x80 { return false }
                    position += 1
                }
                position += 2
            }
            checkedThrough = position
        }
        return true
    }

    /// Every start of `needle` in `haystack`, in linear time (Knuth–Morris–Pratt), so a body made
    /// of near-misses of the boundary costs no more than any other.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var failure = [Int](repeating: 0, count: needle.count)
        var matched = 0
        for index in 1 ..< needle.count {
            while matched > 0, needle[index] != needle[matched] { matched = failure[matched - 1] }
            if needle[index] == needle[matched] { matched += 1 }
            failure[index] = matched
        }
        var found: [Int] = []
        matched = 0
        for (index, byte) in haystack.enumerated() {
            while matched > 0, byte != needle[matched] { matched = failure[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count {
                found.append(index - needle.count + 1)
                matched = failure[matched - 1]
            }
        }
        return found
    }
}
