import Foundation

/// How a tenant's widget looks and greets: the `widget` object of the tenant's settings.
/// Values that fail validation are dropped (the widget's defaults apply), so a bad setting
/// can never reach a visitor's page as markup or script; the settings editor refuses them
/// in the first place.
public struct WidgetAppearance: Sendable, Equatable, Codable {
    public enum Position: String, Sendable, Codable, CaseIterable {
        case right, left
    }

    public var title: String?
    public var greeting: String?
    /// Accent colour, `#rgb` or `#rrggbb`.
    public var color: String?
    public var position: Position?
    /// An `https:` (or `http:`) image URL.
    public var avatar: String?
    /// Default language of the widget's strings when the page names none.
    public var language: String?

    public init(title: String? = nil, greeting: String? = nil, color: String? = nil, position: Position? = nil,
                avatar: String? = nil, language: String? = nil) {
        self.title = title
        self.greeting = greeting
        self.color = color
        self.position = position
        self.avatar = avatar
        self.language = language
    }

    /// Reads `settings.widget`, keeping only valid values.
    public init(settings: JSONValue) {
        let widget = settings["widget"]
        func text(_ key: String, limit: Int) -> String? {
            guard let value = widget?[key]?.stringValue, Self.isPlainText(value, limit: limit) else { return nil }
            return value
        }
        title = text("title", limit: Self.titleLimit)
        greeting = text("greeting", limit: Self.greetingLimit)
        color = widget?["color"]?.stringValue.flatMap { Self.isColor($0) ? $0 : nil }
        position = widget?["position"]?.stringValue.flatMap(Position.init(rawValue:))
        avatar = widget?["avatar"]?.stringValue.flatMap { Self.isImageURL($0) ? $0 : nil }
        language = widget?["language"]?.stringValue.flatMap { Self.languages.contains($0) ? $0 : nil }
    }

    public static let titleLimit = 80
    public static let greetingLimit = 500
    /// The languages the widget's strings exist in.
    public static let languages: Set<String> = ["en", "de", "fr", "nl", "es"]

    public static func isColor(_ value: String) -> Bool {
        guard value.first == "#" else { return false }
        let digits = value.dropFirst()
        return (digits.count == 3 || digits.count == 6) && digits.allSatisfy(\.isHexDigit)
    }

    public static func isImageURL(_ value: String) -> Bool {
        guard value.count <= 2048, let components = URLComponents(string: value),
              let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty else { return false }
        return components.user == nil && components.password == nil
    }

    /// Non-empty, within `limit` characters, no control characters other than line breaks.
    public static func isPlainText(_ value: String, limit: Int) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return !trimmed.isEmpty && value.count <= limit
            && !value.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
    }
}
