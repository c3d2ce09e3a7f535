import Crypto
import Foundation
import ParleyCore

/// The widget's static files, read once from the bundle at start: `widget.js` with its
/// stylesheet inlined (one request, one cache entry for the host page), and the two pages
/// that show it (`/a/{agent}/` and `/demo`). Each carries a content-derived ETag.
struct WidgetAssets: Sendable {
    struct Asset: Sendable {
        var body: String
        var etag: String

        init(_ body: String) {
            self.body = body
            let digest = SHA256.hash(data: Data(body.utf8)).prefix(12).hexString
            // Weak: the same content is sent gzipped or not.
            etag = "W/\"\(digest)\""
        }
    }

    struct MissingResource: Error, CustomStringConvertible {
        var name: String
        var description: String { "the server's bundled resource Widget/\(name) is missing; reinstall Parley" }
    }

    let script: Asset
    let chatPage: String
    let demoPage: String

    /// The marker in widget.js that the stylesheet replaces, as a JavaScript string literal.
    static let stylesheetMarker = "\"__PARLEY_STYLESHEET__\""

    /// The script's parts, in order: one function scope, so each part sees the others'
    /// declarations and nothing reaches the page's globals. The last part starts the widget.
    static let scriptParts = ["widget.js", "widget-strings.js", "widget-dom.js", "widget-markdown.js",
                              "widget-api.js", "widget-pane.js", "widget-messages.js", "widget-live.js", "widget-leadform.js", "widget-start.js"]

    static func load() throws -> WidgetAssets {
        let body = try scriptParts.map(resource).joined(separator: "\n")
        let javascript = "(function () {\n  \"use strict\";\n\n" + body + "})();\n"
        let stylesheet = try resource("widget.css")
        guard javascript.contains(stylesheetMarker) else { throw MissingResource(name: "widget.js (stylesheet marker)") }
        return WidgetAssets(script: Asset(javascript.replacingOccurrences(of: stylesheetMarker, with: javaScriptString(stylesheet))),
                            chatPage: try resource("chat-page.html"), demoPage: try resource("demo-page.html"))
    }

    private static func resource(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Widget"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw MissingResource(name: name)
        }
        return text
    }

    /// A JSON string is a valid JavaScript string literal; `</` is escaped as well so the
    /// script could even be inlined in a page.
    static func javaScriptString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
