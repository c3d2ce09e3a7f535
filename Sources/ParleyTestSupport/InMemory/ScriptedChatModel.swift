import Foundation
import ParleyCore

/// A `ChatModel` that plays back a script: tokens with an optional pause between them, then
/// either a normal finish or a failure. It records the requests it was given.
public final class ScriptedChatModel: ChatModel, Sendable {
    public enum Ending: Sendable {
        case finish(TokenUsage?)
        case fail(ParleyError)
    }

    private let tokens: [String]
    private let pause: Duration
    private let ending: Ending
    private let requests = RequestLog()

    actor RequestLog {
        var items: [ChatCompletionRequest] = []
        func add(_ request: ChatCompletionRequest) { items.append(request) }
    }

    public init(tokens: [String], pause: Duration = .zero, ending: Ending = .finish(nil)) {
        self.tokens = tokens
        self.pause = pause
        self.ending = ending
    }

    public var provider: String { "scripted" }

    public var receivedRequests: [ChatCompletionRequest] {
        get async { await requests.items }
    }

    public func stream(_ request: ChatCompletionRequest, context: LLMCallContext) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task { [tokens, pause, ending, requests] in
            await requests.add(request)
            for token in tokens {
                if pause > .zero { try? await Task.sleep(for: pause) }
                if Task.isCancelled { continuation.finish(throwing: CancellationError()); return }
                continuation.yield(.token(token))
            }
            switch ending {
            case .finish(let usage):
                continuation.yield(.finished(usage: usage, finishReason: "stop"))
                continuation.finish()
            case .fail(let error):
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }
}

/// A retriever that returns fixed passages for every tenant it was given, and nothing otherwise.
public struct FixedRetriever: Retriever {
    private let passages: [TenantID: [SourcePassage]]

    public init(_ passages: [TenantID: [SourcePassage]]) {
        self.passages = passages
    }

    public var name: String { "fixed" }

    public func retrieve(_ query: RetrievalQuery) async throws -> [SourcePassage] {
        Array((passages[query.tenantID] ?? []).prefix(query.topK))
    }
}
