import Foundation

/// Fills `{{name}}` placeholders of a bundled page, escaping every value for HTML text and
/// attribute context, so tenant names and titles can never become markup.
enum HTMLTemplate {
    static func render(_ template: String, _ values: [String: String]) -> String {
        var output = template
        for (name, value) in values {
            output = output.replacingOccurrences(of: "{{\(name)}}", with: escape(value))
        }
        return output
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
