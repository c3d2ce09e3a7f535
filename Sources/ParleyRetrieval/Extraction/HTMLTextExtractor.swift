import Foundation

/// Pulls the readable text out of an HTML page: the title, the text under each heading, and
/// the links. Scripts, styles, forms and page furniture (nav, header, footer, aside) are
/// dropped; block elements end paragraphs; `h1`–`h3` start sections. When the page has a
/// `<main>` or `<article>`, only its text is kept. A tolerant scanner, not a validating parser:
/// broken markup yields less text, never an error.
public struct HTMLTextExtractor: Sendable {
    private static let skipped: Set<String> = [
        "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "iframe",
        "button", "select", "object", "canvas", "title",
    ]
    private static let blocks: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article", "main", "blockquote",
        "pre", "dd", "dt", "dl", "figcaption", "h4", "h5", "h6", "hr", "summary", "details",
    ]

    public init() {}

    public func extract(_ html: String, fallbackTitle: String) -> ExtractedDocument {
        let tokens = HTMLScanner(html).tokens()
        let title = Self.title(in: tokens) ?? fallbackTitle
        let links = tokens.compactMap { token -> String? in
            if case let .open(name, attributes) = token, name == "a" { return attributes["href"] }
            return nil
        }
        let hasMain = tokens.contains { if case let .open(name, _) = $0 { name == "main" || name == "article" } else { false } }
        var builder = SectionBuilder()
        var skipDepth = 0
        var mainDepth = 0
        var headingLevel: Int?
        var headingText = ""
        for token in tokens {
            switch token {
            case let .open(name, _):
                if name == "main" || name == "article" { mainDepth += 1 }
                if Self.skipped.contains(name) { skipDepth += 1 }
                if let level = Self.sectionLevel(name) {
                    builder.endParagraph()
                    headingLevel = level
                    headingText = ""
                } else if Self.blocks.contains(name) {
                    builder.endParagraph()
                }
            case let .close(name):
                if Self.skipped.contains(name) { skipDepth = max(0, skipDepth - 1) }
                if name == "main" || name == "article" { mainDepth = max(0, mainDepth - 1) }
                if let level = Self.sectionLevel(name), level == headingLevel {
                    let heading = ExtractedDocument.collapsingWhitespace(headingText)
                    if !heading.isEmpty { builder.startSection(heading, level: level) }
                    headingLevel = nil
                } else if Self.blocks.contains(name) {
                    builder.endParagraph()
                }
            case let .text(text):
                guard skipDepth == 0, !hasMain || mainDepth > 0 else { continue }
                if headingLevel != nil { headingText += HTMLEntities.decode(text) } else { builder.add(HTMLEntities.decode(text)) }
            }
        }
        return ExtractedDocument(title: title, sections: builder.finish(), links: links)
    }

    private static func sectionLevel(_ name: String) -> Int? {
        switch name {
        case "h1": 1
        case "h2": 2
        case "h3": 3
        default: nil
        }
    }

    private static func title(in tokens: [HTMLScanner.Token]) -> String? {
        var inTitle = false
        var text = ""
        for token in tokens {
            switch token {
            case let .open(name, _) where name == "title": inTitle = true
            case let .close(name) where name == "title": inTitle = false
            case let .text(value) where inTitle: text += value
            default: continue
            }
        }
        let title = ExtractedDocument.collapsingWhitespace(HTMLEntities.decode(text))
        return title.isEmpty ? nil : title
    }
}

/// Collects paragraphs under a heading path while the HTML is walked.
struct SectionBuilder {
    private var sections: [ExtractedDocument.Section] = []
    private var path: [(level: Int, text: String)] = []
    private var paragraphs: [String] = []
    private var paragraph = ""

    mutating func add(_ text: String) { paragraph += text }

    mutating func endParagraph() {
        let text = ExtractedDocument.collapsingWhitespace(paragraph)
        if !text.isEmpty { paragraphs.append(text) }
        paragraph = ""
    }

    mutating func startSection(_ heading: String, level: Int) {
        endParagraph()
        sections.append(.init(headingPath: path.map(\.text), paragraphs: paragraphs))
        paragraphs = []
        path.removeAll { $0.level >= level }
        path.append((level, heading))
    }

    mutating func finish() -> [ExtractedDocument.Section] {
        startSection("", level: 0)
        return sections
    }
}

/// Splits HTML into open tags (lower-cased names, attributes), close tags and text.
/// Comments, doctypes and processing instructions are dropped; `<script>` and `<style>` bodies
/// are taken as raw text up to their closing tag.
struct HTMLScanner {
    enum Token: Equatable {
        case open(String, [String: String])
        case close(String)
        case text(String)
    }

    private let html: [Character]

    init(_ html: String) { self.html = Array(html) }

    func tokens() -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var text = ""
        func flushText() {
            if !text.isEmpty { tokens.append(.text(text)) }
            text = ""
        }
        while index < html.count {
            let character = html[index]
            guard character == "<", index + 1 < html.count else {
                text.append(character)
                index += 1
                continue
            }
            let next = html[index + 1]
            if next == "!" || next == "?" {
                flushText()
                index = skipMarkup(from: index)
                continue
            }
            guard next.isLetter || next == "/" else {
                text.append(character)
                index += 1
                continue
            }
            flushText()
            guard let end = tagEnd(from: index) else { break }
            let inside = String(html[(index + 1) ..< end])
            index = end + 1
            if inside.hasPrefix("/") {
                let name = inside.dropFirst().prefix { $0.isLetter || $0.isNumber }.lowercased()
                tokens.append(.close(name))
                continue
            }
            let (name, attributes) = Self.parseTag(inside)
            tokens.append(.open(name, attributes))
            if inside.hasSuffix("/") { tokens.append(.close(name)); continue }
            if name == "script" || name == "style" {
                let (raw, after) = rawText(from: index, until: name)
                tokens.append(.text(raw))
                tokens.append(.close(name))
                index = after
            }
        }
        flushText()
        return tokens
    }

    private func skipMarkup(from start: Int) -> Int {
        if start + 3 < html.count, html[start + 2] == "-", html[start + 3] == "-" {
            var index = start + 4
            while index + 2 < html.count {
                if html[index] == "-", html[index + 1] == "-", html[index + 2] == ">" { return index + 3 }
                index += 1
            }
            return html.count
        }
        return (tagEnd(from: start) ?? html.count - 1) + 1
    }

    /// Index of the `>` that closes the tag at `start`, skipping `>` inside quoted attribute values.
    private func tagEnd(from start: Int) -> Int? {
        var quote: Character?
        var index = start + 1
        while index < html.count {
            let character = html[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            }
            index += 1
        }
        return nil
    }

    private func rawText(from start: Int, until name: String) -> (String, Int) {
        let closing = Array("</\(name)")
        var index = start
        while index + closing.count <= html.count {
            if zip(html[index ..< index + closing.count], closing).allSatisfy({ $0.lowercased() == $1.lowercased() }) {
                let end = tagEnd(from: index) ?? html.count - 1
                return (String(html[start ..< index]), end + 1)
            }
            index += 1
        }
        return (String(html[start...]), html.count)
    }

    static func parseTag(_ inside: String) -> (String, [String: String]) {
        let characters = Array(inside)
        var index = 0
        var name = ""
        while index < characters.count, !characters[index].isWhitespace, characters[index] != "/" {
            name.append(characters[index])
            index += 1
        }
        var attributes: [String: String] = [:]
        while index < characters.count {
            while index < characters.count, characters[index].isWhitespace || characters[index] == "/" { index += 1 }
            var key = ""
            while index < characters.count, !characters[index].isWhitespace, characters[index] != "=", characters[index] != "/" {
                key.append(characters[index])
                index += 1
            }
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            var value = ""
            if index < characters.count, characters[index] == "=" {
                index += 1
                while index < characters.count, characters[index].isWhitespace { index += 1 }
                if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                    let quote = characters[index]
                    index += 1
                    while index < characters.count, characters[index] != quote { value.append(characters[index]); index += 1 }
                    index += 1
                } else {
                    while index < characters.count, !characters[index].isWhitespace { value.append(characters[index]); index += 1 }
                }
            }
            if !key.isEmpty { attributes[key.lowercased()] = HTMLEntities.decode(value) }
        }
        return (name.lowercased(), attributes)
    }
}
