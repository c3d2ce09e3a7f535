import Foundation

/// A question with its answer.
public struct FAQEntry: Sendable, Equatable, Codable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// Why a FAQ file could not be read.
public struct FAQFormatError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Reads question/answer pairs from JSON (`[{"question", "answer"}]`, `{"faqs": [...]}`, or
/// `q`/`a` keys) or CSV (a header row naming `question` and `answer` columns, RFC 4180 quoting).
/// Each pair becomes one section titled by its question, so each is cited on its own.
public enum FAQParser {
    public static func parse(_ data: Data) throws -> [FAQEntry] {
        guard let text = String(data: data, encoding: .utf8) else { throw FAQFormatError(description: "the FAQ is not UTF-8 text") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let entries = trimmed.hasPrefix("[") || trimmed.hasPrefix("{") ? try parseJSON(data) : try parseCSV(trimmed)
        let complete = entries.filter { !$0.question.isEmpty && !$0.answer.isEmpty }
        guard !complete.isEmpty else { throw FAQFormatError(description: "the FAQ has no question with an answer") }
        return complete
    }

    public static func document(_ entries: [FAQEntry], title: String) -> ExtractedDocument {
        ExtractedDocument(title: title, sections: entries.map {
            .init(headingPath: [$0.question], paragraphs: [$0.question, $0.answer])
        })
    }

    private static func parseJSON(_ data: Data) throws -> [FAQEntry] {
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            throw FAQFormatError(description: "the FAQ is not valid JSON")
        }
        let list: [Any]
        if let array = object as? [Any] {
            list = array
        } else if let dictionary = object as? [String: Any], let array = (dictionary["faqs"] ?? dictionary["faq"] ?? dictionary["items"]) as? [Any] {
            list = array
        } else {
            throw FAQFormatError(description: "the FAQ JSON must be a list of {\"question\", \"answer\"} objects")
        }
        return try list.enumerated().map { index, item in
            guard let pair = item as? [String: Any],
                  let question = (pair["question"] ?? pair["q"]) as? String,
                  let answer = (pair["answer"] ?? pair["a"]) as? String
            else { throw FAQFormatError(description: "FAQ item \(index + 1) needs \"question\" and \"answer\" strings") }
            return FAQEntry(question: ExtractedDocument.collapsingWhitespace(question), answer: answer.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    private static func parseCSV(_ text: String) throws -> [FAQEntry] {
        let rows = CSVReader.rows(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              let questionColumn = header.firstIndex(where: { $0 == "question" || $0 == "q" }),
              let answerColumn = header.firstIndex(where: { $0 == "answer" || $0 == "a" })
        else { throw FAQFormatError(description: "the FAQ CSV needs a header row with \"question\" and \"answer\" columns") }
        return rows.dropFirst().filter { $0.count > max(questionColumn, answerColumn) }.map {
            FAQEntry(question: ExtractedDocument.collapsingWhitespace($0[questionColumn]),
                     answer: $0[answerColumn].trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"` (doubled inside).
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n", "\r":
                row.append(field); field = ""
                if !row.allSatisfy(\.isEmpty) { rows.append(row) }
                row = []
            default: field.append(character)
            }
        }
        row.append(field)
        if !row.allSatisfy(\.isEmpty) { rows.append(row) }
        return rows
    }
}
