import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ParleyCore
import ParleyLLM
import ParleyTestSupport
import Testing

/// The OpenAI-compatible client against a real local fake server.
@Suite("OpenAI-compatible client")
struct OpenAICompatibleModelTests {
    let request = ChatCompletionRequest(
        model: "acme/model-1", messages: [PromptMessage(role: .system, content: "Be brief."), PromptMessage(role: .user, content: "Hi?")],
        temperature: 0.2, maxTokens: 64)
    let context = LLMCallContext(tenantID: TenantID(), sessionID: SessionID(), logger: Logger(label: "test"))

    struct Outcome {
        var tokens: [String]
        var finished: [ChatStreamEvent]
        var error: (any Error)?
        /// How long the model's stream took, from the call to its end (not the fake server's start).
        var elapsed: Duration = .zero
        var text: String { tokens.joined() }
    }

    func run(_ replies: [FakeOpenAIServer.Reply], firstToken: Duration = .seconds(30), retries: Int = 2, overall: Duration = .seconds(60),
             check: (Outcome, [LLMCallRecord], [FakeOpenAIServer.Received]) async throws -> Void) async throws {
        let server = try await FakeOpenAIServer.start()
        for reply in replies { await server.enqueue(reply) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let recorder = RecordingCallRecorder()
        let model = OpenAICompatibleModel(
            settings: .init(provider: "fake", baseURL: server.baseURL, apiKey: "sk-test-secret-key",
                            firstTokenTimeout: firstToken, overallTimeout: overall,
                            retry: RetryPolicy(maxRetries: retries, baseDelay: .milliseconds(10))),
            httpClient: client, recorder: recorder)
        var outcome = Outcome(tokens: [], finished: [], error: nil)
        let called = ContinuousClock.now
        do {
            for try await event in model.stream(request, context: context) {
                if case .token(let text) = event { outcome.tokens.append(text) } else { outcome.finished.append(event) }
            }
        } catch {
            outcome.error = error
        }
        outcome.elapsed = called.duration(to: .now)
        let records = await recorder.waitForCalls(1)
        let received = await server.received()
        try? await client.shutdown()
        await server.stop()
        try await check(outcome, records, received)
    }

    /// Every multi-byte character and every blank line that ends an event is split across two
    /// network writes (the parser's own tests split at every offset; here the few splits that
    /// matter go through a real connection, each write a wake-up, so that a busy test machine
    /// does not turn hundreds of them into a timeout).
    @Test func streamsInOddChunkSizesWithUsage() async throws {
        let tokens = ["Hél", "lo", " wörld ", "👋", "!"]
        let usage = TokenUsage(promptTokens: 31, completionTokens: 7)
        let wire = Array(FakeOpenAIServer.streamText(tokens: tokens, usage: usage, model: request.model).utf8)
        let cuts = (1..<wire.count).filter { index in
            let insideCharacter = wire[index] & 0xC0 == 0x80 && wire[index - 1] & 0xC0 == 0xC0
            let insideBlankLine = wire[index - 1] == UInt8(ascii: "\n") && wire[index] == UInt8(ascii: "\n")
            return insideCharacter || insideBlankLine
        }
        #expect(cuts.count >= 10, "the body has 3 multi-byte characters and 9 events: \(cuts.count) cuts")
        let sizes = zip([0] + cuts, cuts + [wire.count]).map { $1 - $0 }
        try await run([.stream(tokens: tokens, usage: usage, chunkSizes: sizes)]) { outcome, records, received in
            #expect(outcome.error == nil)
            #expect(outcome.text == "Héllo wörld 👋!")
            #expect(outcome.finished == [.finished(usage: TokenUsage(promptTokens: 31, completionTokens: 7), finishReason: "stop")])
            #expect(records.count == 1)
            #expect(records[0].usage == TokenUsage(promptTokens: 31, completionTokens: 7))
            #expect(records[0].succeeded)
            #expect(records[0].model == "acme/model-1")
            #expect(records[0].responseBody["content"]?.stringValue == "Héllo wörld 👋!")
            // The wire request asks for streaming with usage, and carries the key only in the header.
            #expect(received.count == 1)
            #expect(received[0].body["stream"] == .bool(true))
            #expect(received[0].body["stream_options"]?["include_usage"] == .bool(true))
            #expect(received[0].body["max_tokens"] == .number(64))
            #expect(received[0].authorization == "Bearer sk-test-secret-key")
            #expect(!records[0].requestBody.jsonString.contains("sk-test-secret-key"))
        }
    }

    @Test func rateLimitIsRetriedThenSucceeds() async throws {
        try await run([.status(429), .status(503), .stream(tokens: ["ok"], usage: TokenUsage(promptTokens: 3, completionTokens: 1))]) { outcome, records, received in
            #expect(outcome.error == nil)
            #expect(outcome.text == "ok")
            #expect(received.count == 3)
            #expect(records.count == 1)
            #expect(records[0].responseBody["attempts"] == .number(3))
        }
    }

    @Test func retryAfterSecondsIsHonoured() async throws {
        try await run([.statusRetryAfter(429, retryAfter: "1"), .statusRetryAfter(503, retryAfter: "1"),
                       .stream(tokens: ["ok"], usage: nil)]) { outcome, _, received in
            #expect(outcome.text == "ok")
            try #require(received.count == 3)
            // Our own back-off would have waited 5-20 ms; the provider asked for a second each time.
            #expect(received[0].at.duration(to: received[1].at) >= .milliseconds(990))
            #expect(received[1].at.duration(to: received[2].at) >= .milliseconds(990))
            // Not a minute each (read as minutes, or a default wait); a loaded machine took 10.5 s.
            #expect(received[0].at.duration(to: received[2].at) < .seconds(60))
        }
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() async throws {
        // The date is three seconds ahead when sent, in whole seconds: at least two seconds away.
        try await run([.statusRetryAfterDate(503, secondsAhead: 3), .stream(tokens: ["later"], usage: nil)]) { outcome, _, received in
            #expect(outcome.text == "later")
            try #require(received.count == 2)
            #expect(received[0].at.duration(to: received[1].at) >= .milliseconds(1500))
        }
    }

    @Test func aRetryAfterBeyondTheDeadlineFailsAtOnce() async throws {
        try await run([.statusRetryAfter(429, retryAfter: "600"), .stream(tokens: ["never"], usage: nil)], overall: .seconds(60)) { outcome, records, received in
            #expect(outcome.error as? LLMFailure == .httpStatusRetryAfter(429, after: .seconds(600)))
            #expect((outcome.error as? LLMFailure)?.parleyError.code == "llm_rate_limited")
            #expect(received.count == 1)
            #expect(records.first?.succeeded == false)
            // Waiting for the deadline would take 60 s; failing at once takes well under 30 even on
            // a loaded machine. The call alone is timed: the fake server's start and stop are not
            // the model's (once, beside a benchmark, they made the whole test take 34.5 s).
            #expect(outcome.elapsed < .seconds(30), "the visitor is told at once, not after the deadline")
        }
    }

    @Test func anInStreamRateLimitBeforeTheFirstTokenIsRetried() async throws {
        try await run([.errorBeforeFirstToken(status: 429), .stream(tokens: ["fine"], usage: nil)]) { outcome, records, received in
            #expect(outcome.error == nil)
            #expect(outcome.text == "fine")
            #expect(received.count == 2)
            #expect(records.first?.responseBody["attempts"] == .number(2))
        }
    }

    @Test func missingTokenCountsStayUnknownAndAProviderCostIsKept() async throws {
        try await run([.streamWithRawUsage(tokens: ["Hi"], usage: #"{"cost": 0.00042}"#)]) { outcome, records, _ in
            #expect(outcome.text == "Hi")
            #expect(records.first?.usage == nil, "no token counts is unknown, not zero")
            #expect(records.first?.responseBody["provider_cost"] == .number(0.00042))
        }
        try await run([.streamWithRawUsage(tokens: ["Hi"], usage: #"{"prompt_tokens": 12}"#)]) { _, records, _ in
            #expect(records.first?.usage == nil, "half the counts is unknown")
        }
        try await run([.streamWithRawUsage(tokens: ["Hi"], usage: #"{"prompt_tokens": 12, "completion_tokens": 3, "cost": 0.001}"#)]) { _, records, _ in
            #expect(records.first?.usage == TokenUsage(promptTokens: 12, completionTokens: 3))
            #expect(records.first?.responseBody["provider_cost"] == .number(0.001))
        }
    }

    @Test func retriesAreBounded() async throws {
        try await run([.status(429), .status(429), .status(429), .stream(tokens: ["late"], usage: nil)], retries: 2) { outcome, records, received in
            #expect(outcome.error as? LLMFailure == .httpStatus(429))
            #expect(received.count == 3)
            #expect(records.first?.succeeded == false)
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        try await run([.status(401), .stream(tokens: ["x"], usage: nil)]) { outcome, _, received in
            #expect(outcome.error as? LLMFailure == .httpStatus(401))
            #expect(received.count == 1)
            #expect((outcome.error as? LLMFailure)?.parleyError.code == "llm_auth_failed")
        }
    }

    @Test func failureMidStreamIsNotRetried() async throws {
        try await run([.failMidStream(tokens: ["Part", "ial"], status: 500), .stream(tokens: ["again"], usage: nil)]) { outcome, records, received in
            #expect(outcome.text == "Partial")
            #expect(outcome.error is LLMFailure)
            #expect(received.count == 1)
            #expect(records.first?.succeeded == false)
            #expect(records.first?.responseBody["content"]?.stringValue == "Partial")
        }
    }

    @Test func droppedConnectionIsAnInterruption() async throws {
        try await run([.dropMidStream(tokens: ["cut ", "off"]), .stream(tokens: ["again"], usage: nil)]) { outcome, _, received in
            #expect(outcome.text == "cut off")
            #expect(outcome.error is LLMFailure)
            #expect(received.count == 1)
        }
    }

    @Test func slowFirstTokenTimesOut() async throws {
        try await run([.slowFirstToken(delay: .seconds(3), tokens: ["late"])], firstToken: .milliseconds(300), retries: 0) { outcome, records, _ in
            #expect(outcome.error as? LLMFailure == .firstTokenTimeout)
            #expect(outcome.tokens.isEmpty)
            #expect((outcome.error as? LLMFailure)?.parleyError.code == "llm_timeout")
            #expect(records.first?.succeeded == false)
        }
    }

    @Test func malformedChunkIsAnError() async throws {
        try await run([.malformedChunk(tokens: ["fine "])]) { outcome, _, received in
            #expect(outcome.text == "fine ")
            #expect(outcome.error as? LLMFailure == .malformedChunk)
            #expect(received.count == 1)
        }
    }

    @Test func unreachableProviderIsAConnectionFailure() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(timeout: .init(connect: .milliseconds(300))))
        let recorder = RecordingCallRecorder()
        let model = OpenAICompatibleModel(
            // Refused at once; the generous timeouts only keep a loaded machine (the whole suite on
            // two cores) from ending the call before its second attempt.
            settings: .init(provider: "fake", baseURL: "http://127.0.0.1:9/v1", apiKey: nil, firstTokenTimeout: .seconds(60),
                            overallTimeout: .seconds(120), retry: RetryPolicy(maxRetries: 1, baseDelay: .milliseconds(5))),
            httpClient: client, recorder: recorder)
        var failure: (any Error)?
        do {
            for try await _ in model.stream(request, context: context) {}
        } catch {
            failure = error
        }
        try await client.shutdown()
        guard case .connection? = failure as? LLMFailure else {
            Issue.record("expected a connection failure, got \(String(describing: failure))")
            return
        }
        #expect((await recorder.waitForCalls(1, timeout: .seconds(30))).first?.responseBody["attempts"] == .number(2))
    }
}
