import Foundation

/// Reads the JSON object a model meant to write (lead extraction, answer reviews), repairing what
/// models get wrong (seed 002):
/// prose or a Markdown fence around it, raw control characters (line breaks, tabs) inside
/// strings, trailing commas before `}` or `]`, and `//` or `#` comments are not touched (JSON has
/// none to repair). Linear in the text; texts over `maxBytes` are refused.
public enum LenientJSON {
    public static let maxBytes = 64 * 1024

    /// The object, or nil when even the repaired text is not a JSON object.
    public static func object(from text: String) -> JSONValue? {
        guard text.utf8.count <= maxBytes, let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else { return nil }
        let candidate = String(text[start ... end])
        if let strict = JSONValue.parse(Data(candidate.utf8)), case .object = strict { return strict }
        let repaired = repair(candidate)
        guard let value = JSONValue.parse(Data(repaired.utf8)), case .object = value else { return nil }
        return value
    }

    /// One pass: inside strings, control characters become escapes (or are dropped); outside,
    /// a comma followed only by white space and a closing bracket is dropped.
    static func repair(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var inString = false
        var escaped = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inString {
                if escaped {
                    escaped = false
                    out.append(scalar)
                } else if scalar == "\\" {
                    escaped = true
                    out.append(scalar)
                } else if scalar == "\"" {
                    inString = false
                    out.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    switch scalar {
                    case "\n": out.append(contentsOf: "\\n".unicodeScalars)
                    case "\r": out.append(contentsOf: "\\r".unicodeScalars)
                    case "\t": out.append(contentsOf: "\\t".unicodeScalars)
                    default: break  // other control characters carry nothing a lead needs
                    }
                } else {
                    out.append(scalar)
                }
            } else if scalar == "\"" {
                inString = true
                out.append(scalar)
            } else if scalar == "," {
                var next = index + 1
                while next < scalars.count, scalars[next].properties.isWhitespace { next += 1 }
                if next < scalars.count, scalars[next] == "}" || scalars[next] == "]" {
                    index += 1
                    continue
                }
                out.append(scalar)
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }
}
