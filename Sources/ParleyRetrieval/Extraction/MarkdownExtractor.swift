import Foundation

/// Reads Markdown as sections under its `#` headings, with inline markup reduced to its text:
/// `[label](url)` becomes `label`, emphasis and code marks are dropped, list markers and
/// quotes removed. Fenced code blocks are kept as paragraphs of their own.
public struct MarkdownExtractor: Sendable {
    public init() {}

    public func extract(_ markdown: String, fallbackTitle: String) -> ExtractedDocument {
        var builder = SectionBuilder()
        var title: String?
        var inFence = false
        var fence: [String] = []
        var links: [String] = []
        for rawLine in markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                if inFence {
                    builder.endParagraph()
                    builder.add(fence.joined(separator: " "))
                    builder.endParagraph()
                    fence = []
                }
                inFence.toggle()
                continue
            }
            if inFence { fence.append(trimmed); continue }
            if let (level, heading) = Self.heading(trimmed) {
                let text = Self.inlineText(heading, links: &links)
                if level == 1, title == nil { title = text }
                builder.startSection(text, level: level)
                continue
            }
            if trimmed.isEmpty || Self.isRule(trimmed) {
                builder.endParagraph()
                continue
            }
            let (content, startsBlock) = Self.strippingBlockMarker(trimmed)
            if startsBlock { builder.endParagraph() }
            builder.add(Self.inlineText(content, links: &links) + " ")
        }
        if inFence { builder.add(fence.joined(separator: " ")) }
        return ExtractedDocument(title: title ?? fallbackTitle, sections: builder.finish(), links: links)
    }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1 ... 6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        let text = line.dropFirst(hashes).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "# "))
        return text.isEmpty ? nil : (hashes, text)
    }

    private static func isRule(_ line: String) -> Bool {
        let compact = line.replacingOccurrences(of: " ", with: "")
        return compact.count >= 3 && (Set(compact) == ["-"] || Set(compact) == ["*"] || Set(compact) == ["_"])
    }

    /// Removes a list marker or quote mark; list items start a paragraph of their own.
    private static func strippingBlockMarker(_ line: String) -> (String, Bool) {
        var text = Substring(line)
        var startsBlock = false
        while text.hasPrefix(">") { text = text.dropFirst().drop { $0 == " " } }
        if let first = text.first, "-*+".contains(first), text.dropFirst().first == " " {
            return (String(text.dropFirst(2)), true)
        }
        let digits = text.prefix { $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, text.dropFirst(digits.count).hasPrefix(". ") || text.dropFirst(digits.count).hasPrefix(") ") {
            text = text.dropFirst(digits.count + 2)
            startsBlock = true
        }
        return (String(text), startsBlock)
    }

    /// Inline markup reduced to text; link targets are collected.
    static func inlineText(_ text: String, links: inout [String]) -> String {
        var result = ""
        var characters = Substring(text)
        while let first = characters.first {
            if first == "!" || first == "[", let (label, target, rest) = link(in: first == "!" ? characters.dropFirst() : characters) {
                result += label
                if first == "[" { links.append(target) }
                characters = rest
                continue
            }
            if "*_`".contains(first) {
                characters = characters.dropFirst()
                continue
            }
            result.append(first)
            characters = characters.dropFirst()
        }
        return result
    }

    private static func link(in text: Substring) -> (String, String, Substring)? {
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let afterLabel = text[text.index(after: close)...]
        guard afterLabel.first == "(", let end = afterLabel.firstIndex(of: ")") else { return nil }
        let label = String(text[text.index(after: text.startIndex) ..< close])
        let target = afterLabel[afterLabel.index(after: afterLabel.startIndex) ..< end]
            .split(separator: " ").first.map(String.init) ?? ""
        return (label, target, afterLabel[afterLabel.index(after: end)...])
    }
}
