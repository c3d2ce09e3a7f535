import Foundation
import ParleyCore

/// Precision and recall of the contact extractor per field on labelled messages
/// (`parley eval leads FILE`). A wrong value counts against both: it is a false positive and a
/// missed true value. Interests count item by item.
public enum ExtractorEvaluation {
    public struct Labelled: Sendable, Equatable {
        public var message: String
        public var truth: ExtractedContact

        public init(message: String, truth: ExtractedContact) {
            self.message = message
            self.truth = truth
        }
    }

    public struct Score: Sendable, Equatable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public init() {}

        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    }

    public static let fields = ["name", "email", "phone", "interests"]

    public static func evaluate(_ extractor: ContactExtractor, on rows: [Labelled]) -> [String: Score] {
        var scores = Dictionary(uniqueKeysWithValues: fields.map { ($0, Score()) })
        for row in rows {
            let found = extractor.extract(from: row.message)
            count(&scores["name"]!, found.name, row.truth.name) { $0 }
            count(&scores["email"]!, found.email, row.truth.email) { $0.lowercased() }
            count(&scores["phone"]!, found.phone, row.truth.phone) { $0.filter { $0.isNumber || $0 == "+" } }
            let predicted = Set(found.interests), truth = Set(row.truth.interests)
            scores["interests"]!.truePositives += predicted.intersection(truth).count
            scores["interests"]!.falsePositives += predicted.subtracting(truth).count
            scores["interests"]!.falseNegatives += truth.subtracting(predicted).count
        }
        return scores
    }

    private static func count(_ score: inout Score, _ predicted: String?, _ truth: String?, _ normal: (String) -> String) {
        switch (predicted.map(normal), truth.map(normal)) {
        case let (found?, expected?) where found == expected:
            score.truePositives += 1
        case let (found?, expected):
            _ = found
            score.falsePositives += 1
            if expected != nil { score.falseNegatives += 1 }
        case (nil, _?):
            score.falseNegatives += 1
        case (nil, nil):
            break
        }
    }

    /// Reads a JSON-lines file: a first line `{"catalogue": [names]}`, then one
    /// `{"message", "name"?, "email"?, "phone"?, "interests"?}` per line.
    public static func load(_ text: String) throws -> (catalogue: [String], rows: [Labelled]) {
        var catalogue: [String] = []
        var rows: [Labelled] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = JSONValue.parse(Data(line.utf8)) else { throw ParleyError.badRequest("invalid_line", "line \(number + 1) is not JSON") }
            if let names = object["catalogue"]?.arrayValue {
                catalogue = names.compactMap(\.stringValue)
                continue
            }
            guard let message = object["message"]?.stringValue else { throw ParleyError.badRequest("invalid_line", "line \(number + 1) has no message") }
            rows.append(Labelled(message: message, truth: ExtractedContact(
                name: object["name"]?.stringValue, email: object["email"]?.stringValue, phone: object["phone"]?.stringValue,
                interests: object["interests"]?.arrayValue?.compactMap(\.stringValue) ?? [])))
        }
        return (catalogue, rows)
    }
}
