import Foundation
import ParleyCore

/// The keyless default model: answers by quoting the sentences of the retrieved passages that
/// best match the question, each followed by its citation number, and streams them word by word
/// exactly as a remote model would. With no passages it says so and offers a human.
public struct ExtractiveAnswerer: ChatModel {
    /// Longest answer, in sentences.
    public var maxSentences: Int
    /// Pause between streamed words; zero in tests and benchmarks.
    public var wordDelay: Duration
    /// Answers every question with this text (a tenant's message once its budget is spent).
    public var fixedAnswer: String?
    private let recorder: any LLMCallRecorder

    public static let modelName = "extractive-v1"

    public init(recorder: any LLMCallRecorder, maxSentences: Int = 3, wordDelay: Duration = .zero) {
        self.recorder = recorder
        self.maxSentences = maxSentences
        self.wordDelay = wordDelay
    }

    public var provider: String { "extractive" }

    public func effectiveModel(requested: String) -> String { Self.modelName }

    /// A fixed message answers no question: it is neither scored nor withheld.
    public var answersQuestions: Bool { fixedAnswer == nil }

    public func stream(_ request: ChatCompletionRequest, context: LLMCallContext) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let answer = compose(question: request.question, passages: request.passages)
        let task = Task {
            let started = ContinuousClock.now
            var sent = ""
            var cancelled = false
            // Without a delay nothing paces the words: the answer goes out as one token (the SSE
            // writer would send words that arrive during one write in one frame anyway), instead of
            // a stream element, a turn-loop pass and an event per word.
            let pieces = wordDelay > .zero ? Self.streamPieces(of: answer) : (answer.isEmpty ? [] : [answer])
            for piece in pieces {
                if Task.isCancelled { cancelled = true; break }
                continuation.yield(.token(piece))
                sent += piece
                if wordDelay > .zero { try? await Task.sleep(for: wordDelay) }
            }
            let promptChars = request.messages.reduce(0) { $0 + $1.content.count }
            let usage = TokenUsage(promptTokens: Self.estimateTokens(characters: promptChars),
                                   completionTokens: Self.estimateTokens(characters: sent.count))
            let elapsed = started.duration(to: .now)
            // Recorded before the stream ends, so that the turn reading it holds the record.
            await recorder.record(LLMCallRecord(
                tenantID: context.tenantID, sessionID: context.sessionID, provider: provider, model: Self.modelName,
                requestBody: ["question": .string(request.question), "passages": .number(Double(request.passages.count))],
                responseBody: ["content": .string(sent), "finish_reason": cancelled ? "cancelled" : "stop"],
                usage: usage, latencyMs: elapsed.wholeMilliseconds,
                succeeded: !cancelled), context: context)
            if cancelled {
                continuation.finish(throwing: CancellationError())
            } else {
                continuation.yield(.finished(usage: usage, finishReason: "stop"))
                continuation.finish()
            }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }

    /// The same answerer, answering every question with `message`, streamed and recorded alike.
    public func answering(_ message: String) -> ExtractiveAnswerer {
        var fixed = self
        fixed.fixedAnswer = message
        return fixed
    }

    /// The whole answer for a question and its passages.
    public func compose(question: String, passages: [SourcePassage]) -> String {
        if let fixedAnswer { return fixedAnswer }
        let terms = TextTerms.terms(question)
        if terms.isEmpty || TextTerms.isGreeting(question) {
            return "Hello! I can answer questions about our products, pricing and services. What would you like to know?"
        }
        guard !passages.isEmpty else {
            return "I couldn't find anything about that in our knowledge base. Could you rephrase the question, "
                + "or leave your e-mail address so that someone from our team can follow up?"
        }
        let picked = SentencePicker(terms: terms).pick(from: passages, limit: maxSentences)
        guard !picked.isEmpty else {
            return "I couldn't find a direct answer to that in our knowledge base. "
                + "The closest page I have is \"\(passages[0].title)\" [1]. Would you like someone from our team to follow up?"
        }
        return picked.map { "\($0.sentence) [\($0.citation)]" }.joined(separator: " ")
    }

    /// Words with their following space, so that joining the pieces gives the answer back.
    static func streamPieces(of answer: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in answer {
            current.append(character)
            if character == " " {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// About four characters a token, the usual rule of thumb for English.
    static func estimateTokens(characters: Int) -> Int {
        max(1, (characters + 3) / 4)
    }
}
