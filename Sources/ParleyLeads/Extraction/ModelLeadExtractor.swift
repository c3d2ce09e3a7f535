import Foundation
import Logging
import ParleyCore

/// Reads a visitor's message, with the few messages before it, into lead fields with the
/// configured model: structured output with a JSON schema (or JSON mode, or instructions alone,
/// per `llm.structured_output`), the answer read by `LenientJSON`, one more call when it still is
/// not the object asked for. Values are taken leniently (a list where a string was asked is
/// joined, a string where a list was asked is split) and bounded.
public struct ModelLeadExtractor: Sendable {
    private let model: any ChatModel
    private let modelName: String
    private let format: @Sendable (JSONValue) -> ResponseFormat
    private let timeout: Duration

    /// `format` turns the schema into the response format the provider takes.
    public init(model: any ChatModel, modelName: String, timeout: Duration = .seconds(30),
                format: @escaping @Sendable (JSONValue) -> ResponseFormat) {
        self.model = model
        self.modelName = modelName
        self.timeout = timeout
        self.format = format
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The fields of the JSON object asked for: each a string or null; interests and preferences lists.
    static let stringFields: [LeadProfile.Key] = [.name, .email, .phone, .company, .street, .city, .state, .zip, .quantity, .budget, .timeline]

    static var schema: JSONValue {
        var properties: [String: JSONValue] = [:]
        for key in stringFields { properties[key.rawValue] = ["type": ["string", "null"]] }
        properties["interests"] = ["type": "array", "items": ["type": "string"]]
        properties["preferences"] = ["type": "array", "items": ["type": "string"]]
        return ["type": "object", "properties": .object(properties), "additionalProperties": false]
    }

    static func instructions(catalogue: [String]) -> String {
        let fields = stringFields.map(\.rawValue).joined(separator: ", ")
        var text = """
            You read a website visitor's newest chat message and extract what it says about the visitor, for a sales team. \
            Answer with one JSON object only, with the keys \(fields) (each a string, or null when the message does not \
            say it), interests (products or services the visitor wants) and preferences (short phrases, such as a colour \
            or how they like to be contacted). quantity, budget and timeline are buying signals in the visitor's words \
            ("12 bikes", "about 5,000 EUR", "before March"). Take only what the visitor says about themselves in the \
            newest message; the earlier messages are context. Never invent a value.
            """
        if !catalogue.isEmpty {
            text += " Name interests as the catalogue does where one matches: " + catalogue.prefix(60).joined(separator: "; ") + "."
        }
        return text
    }

    /// Extracts from `message`; `context` are the messages before it, oldest first.
    public func extract(from message: String, context: [TranscriptLine], catalogue: [String], call: LLMCallContext) async throws -> ExtractedContact {
        var prompt = [PromptMessage(role: .system, content: Self.instructions(catalogue: catalogue))]
        let earlier = context.suffix(6).map { "\($0.speaker): \(ExtractiveSummarizer.shortened($0.text))" }.joined(separator: "\n")
        prompt.append(PromptMessage(role: .user, content: (earlier.isEmpty ? "" : "Earlier messages:\n\(earlier)\n\n")
                                        + "Newest visitor message:\n\(String(message.prefix(4000)))"))
        let request = ChatCompletionRequest(model: modelName, messages: prompt, temperature: 0, maxTokens: 400,
                                            responseFormat: format(Self.schema))
        for attempt in 1 ... 2 {
            let answer = try await model.text(for: request, context: call, timeout: timeout, maxBytes: LenientJSON.maxBytes)
            if let object = LenientJSON.object(from: answer) { return Self.contact(from: object) }
            call.logger.info("lead extraction answer was not JSON", metadata: ["event": "lead_model_unreadable", "attempt": "\(attempt)"])
        }
        throw Failure(description: "the model's answer was not a JSON object, twice")
    }

    /// The object's values as an extracted contact: strings on one line, trimmed and bounded, a list where a
    /// string was asked joined, a string where a list was asked split at commas; e-mail and phone
    /// kept only when they are one.
    static func contact(from object: JSONValue) -> ExtractedContact {
        func text(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let string)?: string
            case .number(let number)?: number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            case .array(let items)?: items.compactMap(\.stringValue).joined(separator: ", ")
            default: nil
            }
        }
        func list(_ value: JSONValue?) -> [String] {
            switch value {
            case .array(let items)?: items.compactMap { text($0) }
            case .string(let string)?: string.split(separator: ",").map(String.init)
            default: []
            }
        }
        var values: [LeadProfile.Key: String] = [:]
        for key in stringFields {
            guard let raw = text(object[key.rawValue])?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty,
                  !["null", "none", "n/a", "unknown"].contains(raw.lowercased()) else { continue }
            // One line per value: line breaks and tabs become spaces, other control characters go.
            let flat = raw.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
            let cleaned = String(String(flat.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(key.maxLength))
            switch key {
            case .email: values[key] = EmailAddress.normalised(cleaned)
            case .phone: values[key] = PhoneNumbers.first(in: cleaned)
            default: values[key] = cleaned
            }
        }
        let bounded = { (items: [String]) in
            Array(items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && $0.count <= 200 }.prefix(20))
        }
        return ExtractedContact(values: values, interests: bounded(list(object["interests"])), preferences: bounded(list(object["preferences"])))
    }
}
