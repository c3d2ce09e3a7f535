import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyCore
import Synchronization

/// A `ChatModel` for any OpenAI-compatible chat completions API (OpenRouter, Groq, OpenAI,
/// Ollama, vLLM, a llama.cpp server): streamed over SSE, retried with jittered backoff on
/// 429, 5xx and connection errors until the first token has gone out, and never after.
/// Every call, successful or not, is handed to the `LLMCallRecorder`.
public struct OpenAICompatibleModel: ChatModel {
    public struct Settings: Sendable {
        public var provider: String
        public var baseURL: String
        public var apiKey: String?
        public var firstTokenTimeout: Duration
        public var overallTimeout: Duration
        public var retry: RetryPolicy

        public init(provider: String, baseURL: String, apiKey: String?, firstTokenTimeout: Duration,
                    overallTimeout: Duration, retry: RetryPolicy) {
            self.provider = provider
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.firstTokenTimeout = firstTokenTimeout
            self.overallTimeout = overallTimeout
            self.retry = retry
        }
    }

    private let settings: Settings
    private let httpClient: HTTPClient
    private let recorder: any LLMCallRecorder

    public init(settings: Settings, httpClient: HTTPClient, recorder: any LLMCallRecorder) {
        self.settings = settings
        self.httpClient = httpClient
        self.recorder = recorder
    }

    public var provider: String { settings.provider }

    public func stream(_ request: ChatCompletionRequest, context: LLMCallContext) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            let call = StreamingCall(settings: settings, httpClient: httpClient, request: request,
                                     context: context, continuation: continuation)
            await call.run(recordingWith: recorder)
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }
}

/// One call, from the first attempt to the recorded outcome.
struct StreamingCall: Sendable {
    let settings: OpenAICompatibleModel.Settings
    let httpClient: HTTPClient
    let request: ChatCompletionRequest
    let context: LLMCallContext
    let continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation

    /// What the call produced so far; shared with the watchdog that enforces timeouts.
    final class Progress: Sendable {
        struct State {
            var text = ""
            var firstTokenSent = false
            var usage: TokenUsage?
            /// The cost the provider reported, if it did (stored beside the computed one).
            var providerCost: Double?
            var finishReason: String?
            var responseID: String?
            var attempts = 0
        }
        let state = Mutex(State())
    }

    /// Makes the call, hands its record to `recorder`, then ends the stream: a reader that saw
    /// the end (a chat turn) can rely on the record having been handed over.
    func run(recordingWith recorder: any LLMCallRecorder) async {
        let started = ContinuousClock.now
        let progress = Progress()
        let body = ChatCompletionsBody(model: request.model, messages: request.messages,
                                       temperature: request.temperature, maxTokens: request.maxTokens, format: request.responseFormat)
        var failure: LLMFailure?
        var thrown: (any Error)?
        do {
            let deadline = started + settings.overallTimeout
            try await withOverallDeadline(progress: progress) {
                try await attemptWithRetries(body: body, progress: progress, deadline: deadline)
            }
        } catch let error as LLMFailure {
            failure = error
            thrown = error
        } catch {
            // Cancellation: the visitor went away. The partial answer is still recorded.
            failure = .streamInterrupted("cancelled")
            thrown = error
        }
        await recorder.record(record(of: progress, body: body, started: started, failure: failure), context: context)
        if let thrown {
            continuation.finish(throwing: thrown)
        } else {
            let state = progress.state.withLock { $0 }
            continuation.yield(.finished(usage: state.usage, finishReason: state.finishReason))
            continuation.finish()
        }
    }

    private func record(of progress: Progress, body: ChatCompletionsBody, started: ContinuousClock.Instant,
                        failure: LLMFailure?) -> LLMCallRecord {
        let state = progress.state.withLock { $0 }
        let latency = started.duration(to: .now)
        var response: [String: JSONValue] = [
            "content": .string(state.text),
            "attempts": .number(Double(state.attempts)),
        ]
        if let reason = state.finishReason { response["finish_reason"] = .string(reason) }
        if let id = state.responseID { response["id"] = .string(id) }
        if let usage = state.usage { response["usage"] = usage.jsonValue }
        if let cost = state.providerCost { response["provider_cost"] = .number(cost) }
        if let failure { response["error"] = .string(failure.parleyError.code) }
        if case .streamInterrupted("cancelled")? = failure { response["error"] = "cancelled" }
        return LLMCallRecord(
            tenantID: context.tenantID, sessionID: context.sessionID, provider: settings.provider,
            model: request.model, requestBody: (try? JSONValue(encoding: body)) ?? .null,
            responseBody: .object(response), usage: state.usage,
            latencyMs: latency.wholeMilliseconds,
            succeeded: failure == nil)
    }

    /// Retries what failed before any token went out, after the provider's `Retry-After` when it
    /// sent one (else exponential back-off with jitter). A wait that would end after the call's
    /// overall deadline is not started: the visitor hears at once that the model is busy.
    private func attemptWithRetries(body: ChatCompletionsBody, progress: Progress, deadline: ContinuousClock.Instant) async throws {
        var attempt = 0
        while true {
            attempt += 1
            progress.state.withLock { $0.attempts = attempt }
            do {
                try await attemptOnce(body: body, progress: progress)
                return
            } catch let failure as LLMFailure {
                let tokensSent = progress.state.withLock { $0.firstTokenSent }
                guard failure.isRetryable, !tokensSent, attempt <= settings.retry.maxRetries else { throw failure }
                let delay = failure.retryAfter ?? settings.retry.delay(beforeRetry: attempt)
                guard ContinuousClock.now + delay < deadline else { throw failure }
                context.logger.warning("llm call failed; retrying", metadata: [
                    "event": "llm_retry", "attempt": "\(attempt)", "failure": "\(failure)",
                ])
                try await Task.sleep(for: delay)
            }
        }
    }

    private func attemptOnce(body: ChatCompletionsBody, progress: Progress) async throws {
        try await withFirstTokenDeadline(progress: progress) {
            try await performAttempt(body: body, progress: progress)
        }
    }

    private func performAttempt(body: ChatCompletionsBody, progress: Progress) async throws {
        var httpRequest = HTTPClientRequest(url: settings.baseURL.trimmingSuffix("/") + "/chat/completions")
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Accept", value: "text/event-stream")
        if let key = settings.apiKey { httpRequest.headers.add(name: "Authorization", value: "Bearer \(key)") }
        httpRequest.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(httpRequest, deadline: .now() + .seconds(Int64(settings.overallTimeout.components.seconds) + 1))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw LLMFailure.connection(String(describing: type(of: error)))
        }
        guard response.status == .ok else {
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            if let after = RetryAfter.parse(response.headers.first(name: "Retry-After")) {
                throw LLMFailure.httpStatusRetryAfter(status, after: after)
            }
            throw LLMFailure.httpStatus(status)
        }
        try await consume(response.body, progress: progress)
    }

    private func consume(_ body: HTTPClientResponse.Body, progress: Progress) async throws {
        var parser = SSEParser()
        var finished = false
        do {
            for try await buffer in body {
                for event in try parser.feed(buffer.readableBytesView) {
                    if try handle(event, progress: progress) { finished = true }
                }
            }
        } catch let failure as LLMFailure {
            throw failure
        } catch is SSEParser.LineTooLong {
            throw LLMFailure.malformedChunk
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw LLMFailure.streamInterrupted("connection closed")
        }
        if let last = parser.finish(), try handle(last, progress: progress) { finished = true }
        let sawFinishReason = progress.state.withLock { $0.finishReason != nil }
        guard finished || sawFinishReason else {
            throw LLMFailure.streamInterrupted("stream ended before the model finished")
        }
    }

    /// Applies one SSE event; returns true on `[DONE]`.
    private func handle(_ event: ServerSentEvent, progress: Progress) throws -> Bool {
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" { return true }
        guard let chunk = try? JSONDecoder().decode(ChatCompletionChunk.self, from: Data(data.utf8)) else {
            throw LLMFailure.malformedChunk
        }
        if let error = chunk.error {
            // Before the first token, an in-stream rate limit or server error (OpenRouter sends
            // them so) is retried like the same HTTP status; after it, the answer is cut short.
            if progress.state.withLock({ !$0.firstTokenSent }), let status = error.status, RetryPolicy.isRetryable(status: status) {
                throw LLMFailure.httpStatus(status)
            }
            throw LLMFailure.streamInterrupted(error.message ?? "provider error")
        }
        let text = chunk.choices?.compactMap { $0.delta?.content }.joined() ?? ""
        progress.state.withLock { state in
            if let id = chunk.id { state.responseID = id }
            if let usage = chunk.usage {
                if let tokens = usage.tokens { state.usage = tokens }
                if let cost = usage.cost { state.providerCost = cost }
            }
            if let reason = chunk.choices?.compactMap(\.finishReason).first { state.finishReason = reason }
            if !text.isEmpty {
                state.text += text
                state.firstTokenSent = true
            }
        }
        if !text.isEmpty { continuation.yield(.token(text)) }
        return false
    }

    /// Runs `operation`, failing with `firstTokenTimeout` if no token has gone out once the
    /// first-token timeout has passed (counted from the start of this attempt).
    private func withFirstTokenDeadline<T: Sendable>(progress: Progress, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = settings.firstTokenTimeout
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                if progress.state.withLock({ !$0.firstTokenSent }) { throw LLMFailure.firstTokenTimeout }
                try await Task.sleep(for: .seconds(86_400 * 365))
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }

    private func withOverallDeadline(progress: Progress, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        let timeout = settings.overallTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw LLMFailure.overallTimeout
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
