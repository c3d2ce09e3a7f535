import Foundation
import ParleyCore

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
        HTML.escape(text)
    }
}
