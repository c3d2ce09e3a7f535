import Foundation

/// Comma-separated values (RFC 4180) that a spreadsheet opens safely: fields with a comma, quote
/// or line break are quoted, and a field that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with an apostrophe.
struct CSVTable {
    var header: [String]
    var rows: [[String]]

    var text: String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
