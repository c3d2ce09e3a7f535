import Foundation
import ParleyCore

/// A summary written by the configured model from the transcript (its newest part when long),
/// the lead and the cited sources. The call is recorded like every model call (`llm_requests`).
public struct ModelSummarizer: ConversationSummarizer {
    private let model: any ChatModel
    private let modelName: String
    private let timeout: Duration
    /// The transcript sent is the newest messages that fit in this many characters.
    static let transcriptChars = 12_000

    public init(model: any ChatModel, modelName: String, timeout: Duration = .seconds(60)) {
        self.model = model
        self.modelName = modelName
        self.timeout = timeout
    }

    public var method: String { "llm:\(model.effectiveModel(requested: modelName))" }

    public func summarize(_ lines: [TranscriptLine], lead: LeadProfile?, context: LLMCallContext) async throws -> String {
        let request = ChatCompletionRequest(model: modelName, messages: Self.prompt(lines, lead: lead), temperature: 0.2, maxTokens: 400)
        let text = try await model.text(for: request, context: context, timeout: timeout)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SummaryFailure.emptyAnswer }
        return String(trimmed.prefix(4000))
    }

    enum SummaryFailure: Error { case emptyAnswer }

    static let instructions = """
        You summarise a chat between a visitor of a company's website and the company's assistant, for the company's \
        sales team. Write 3 to 6 plain sentences, no lists and no markup: who the visitor is, what they need, the \
        questions they asked, what the assistant answered and from which sources, and the next step the team should \
        take. Use only what the transcript says; never invent names, prices or promises. Write in English.
        """

    static func prompt(_ lines: [TranscriptLine], lead: LeadProfile?) -> [PromptMessage] {
        var kept: [String] = []
        var used = 0
        for line in lines.reversed() {
            let sources = line.sources.isEmpty ? "" : " [sources: \(line.sources.map(\.title).joined(separator: "; "))]"
            let entry = "\(line.speaker): \(ExtractiveSummarizer.shortened(line.text))\(sources)"
            if used + entry.count > transcriptChars { break }
            kept.append(entry)
            used += entry.count
        }
        var user = "Transcript (oldest first):\n" + kept.reversed().joined(separator: "\n")
        if let lead, let who = ExtractiveSummarizer.describe(lead) {
            user += "\n\nWhat the visitor told us about themselves: \(who)"
            if !lead.interests.isEmpty { user += "; interested in \(lead.interests.map(\.value).joined(separator: ", "))" }
        }
        return [PromptMessage(role: .system, content: instructions), PromptMessage(role: .user, content: user)]
    }
}
