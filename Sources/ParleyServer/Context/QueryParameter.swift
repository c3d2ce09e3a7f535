import Foundation

/// One parameter read straight from a URL's query string, as a form decoder reads it
/// (percent-decoded, `+` as a space; the first of repeated names).
///
/// The SSE stream's `stream_id` is read on every chat turn; Vapor's `request.query` decodes the
/// whole query through its `Decodable` form decoder for it, which cost more than checking the
/// id's signature.
enum QueryParameter {
    static func value(of name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let key: Substring, value: Substring
            if let equals = pair.firstIndex(of: "=") {
                key = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                key = pair
                value = ""
            }
            guard decoded(key) == name else { continue }
            return decoded(value)
        }
        return nil
    }

    /// Percent-decoded with `+` as a space; nil when an escape is malformed.
    private static func decoded(_ text: Substring) -> String? {
        guard text.contains(where: { $0 == "%" || $0 == "+" }) else { return String(text) }
        return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
