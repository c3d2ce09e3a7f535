import Foundation
import ParleyCore

/// Assembles the prompt of one turn: the persona's system prompt, the rules for using and
/// citing sources, the numbered sources, the recent history, and the visitor's question.
public struct PromptBuilder: Sendable {
    /// Longest passage text quoted into the prompt, in characters.
    public var maxPassageCharacters: Int

    public init(maxPassageCharacters: Int = 2400) {
        self.maxPassageCharacters = maxPassageCharacters
    }

    public func messages(persona: Persona, history: [StoredMessage], passages: [SourcePassage],
                         question: String) -> [PromptMessage] {
        var messages = [PromptMessage(role: .system, content: systemPrompt(persona: persona, passages: passages))]
        for message in history {
            switch message.role {
            case .human: messages.append(PromptMessage(role: .user, content: message.content))
            // A person's replies speak for the business too: after a hand-back the model reads them as its own.
            case .assistant where !message.content.isEmpty, .operator where !message.content.isEmpty:
                messages.append(PromptMessage(role: .assistant, content: message.content))
            default: continue
            }
        }
        messages.append(PromptMessage(role: .user, content: question))
        return messages
    }

    func systemPrompt(persona: Persona, passages: [SourcePassage]) -> String {
        var prompt = persona.systemPrompt.trimmingWhitespaceAndNewlines()
        if passages.isEmpty {
            prompt += "\n\nNo knowledge-base sources matched this question. Do not invent facts, prices or policies; "
                + "say what you do not know and offer to connect the visitor with a person."
            return prompt
        }
        prompt += "\n\nAnswer from the numbered sources below when they are relevant, and cite each fact you take "
            + "from them with its number in square brackets, like [1]. If the sources do not answer the question, "
            + "say so and offer to connect the visitor with a person. Never invent facts, prices or policies.\n\nSources:"
        for (index, passage) in passages.enumerated() {
            var header = "\n\n[\(index + 1)] \(passage.title)"
            if let url = passage.url { header += " (\(url))" }
            prompt += header + "\n" + String(passage.text.prefix(maxPassageCharacters))
        }
        return prompt
    }

    /// The citations the visitor sees for these passages, numbered as in the prompt.
    public func citations(for passages: [SourcePassage], snippetLength: Int = 280) -> [Citation] {
        passages.enumerated().map { index, passage in
            Citation(number: index + 1, chunkID: passage.chunkID, title: passage.title, url: passage.url,
                     score: passage.score, snippet: CitationSnippet.of(passage.text, length: snippetLength))
        }
    }
}
