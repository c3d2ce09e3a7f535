import Foundation
import Logging
import ParleyCore

/// The model's self-check of a finished answer (seed 004's coherence "LLM self-check", and the
/// agent's own decision to hand over): one more call, with structured output, asking how well the
/// answer addresses the visitor's question (0 to 1) and whether a person should take over (the
/// visitor is upset, wants to negotiate, or needs what only a person can do). The answer is read
/// leniently; an unreadable or failed review is logged and the turn goes on without it.
public struct ModelAnswerReviewer: AnswerReviewing {
    private let model: any ChatModel
    private let modelName: String
    private let format: @Sendable (JSONValue) -> ResponseFormat
    private let timeout: Duration

    /// `format` turns the schema into the response format the provider takes (`llm.structured_output`).
    public init(model: any ChatModel, modelName: String, timeout: Duration = .seconds(20),
                format: @escaping @Sendable (JSONValue) -> ResponseFormat) {
        self.model = model
        self.modelName = modelName
        self.timeout = timeout
        self.format = format
    }

    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "answers_question": ["type": "number", "minimum": 0, "maximum": 1],
            "needs_person": ["type": "boolean"],
        ],
        "required": ["answers_question", "needs_person"],
        "additionalProperties": false,
    ]

    static let instructions = """
        You check a customer-service assistant's answer before the visitor relies on it. Answer with one JSON object \
        only: "answers_question", a number from 0 (the answer does not address the question) to 1 (it fully answers \
        it from the sources), and "needs_person", true only when a human colleague should take over: the visitor is \
        upset or complaining, asks to negotiate a price or a contract, or asks for something only a person can do.
        """

    public func review(question: String, answer: String, passages: [SourcePassage], call: LLMCallContext) async -> AnswerReview? {
        let sources = passages.prefix(5).enumerated().map { "[\($0.offset + 1)] \($0.element.title): \($0.element.text.prefix(600))" }
            .joined(separator: "\n")
        let prompt = [
            PromptMessage(role: .system, content: Self.instructions),
            PromptMessage(role: .user, content: "Visitor's question:\n\(question.prefix(4000))\n\nSources:\n\(sources.isEmpty ? "(none)" : sources)"
                          + "\n\nAssistant's answer:\n\(answer.prefix(6000))"),
        ]
        let request = ChatCompletionRequest(model: modelName, messages: prompt, temperature: 0, maxTokens: 60, responseFormat: format(Self.schema))
        do {
            let text = try await model.text(for: request, context: call, timeout: timeout, maxBytes: LenientJSON.maxBytes)
            guard let object = LenientJSON.object(from: text), let review = Self.review(from: object) else {
                call.logger.info("answer review was not the object asked for", metadata: ["event": "answer_review_unreadable"])
                return nil
            }
            return review
        } catch {
            call.logger.warning("answer review failed", metadata: ["event": "answer_review_failed", "error": "\(type(of: error))"])
            return nil
        }
    }

    /// The review in the object; a number written as text or a yes/no as text is taken too.
    static func review(from object: JSONValue) -> AnswerReview? {
        let score = object["answers_question"]?.doubleValue ?? object["answers_question"]?.stringValue.flatMap(Double.init)
        let person = object["needs_person"]?.boolValue ?? object["needs_person"]?.stringValue.flatMap { Bool(settingWord: $0) }
        guard let score, score.isFinite, let person else { return nil }
        return AnswerReview(coherence: score, needsPerson: person)
    }
}
