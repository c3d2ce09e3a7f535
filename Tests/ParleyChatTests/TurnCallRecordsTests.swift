import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyTestSupport
import Testing

/// The LLM calls of a turn are written with its answer, and never lost: not when the answer
/// cannot be stored, not when a call is recorded after the turn took its batch.
@Suite("Chat turn call records")
struct TurnCallRecordsTests {
    let tenant = TenantID()
    let passages = [SourcePassage(chunkID: "k1", title: "Pricing", url: "https://acme.test/pricing",
                                  text: "The Team plan costs $49 per month.", score: 0.83)]

    /// Calls written alone, as `llm_requests` would hold them.
    actor CallLog: LLMRequestLog {
        var calls: [LLMCallRecord] = []
        func append(_ record: LLMCallRecord) async throws { calls.append(record) }
    }

    /// Answers with their calls, in memory; `refuseAnswers` makes every answer write fail.
    actor Answers: TurnAnswerStore {
        let conversations: InMemoryConversationStore
        let refuseAnswers: Bool
        var written: [(answer: StoredMessage, calls: [LLMCallRecord])] = []
        var alone: [LLMCallRecord] = []

        init(_ conversations: InMemoryConversationStore, refuseAnswers: Bool = false) {
            self.conversations = conversations
            self.refuseAnswers = refuseAnswers
        }

        func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord]) async throws -> StoredMessage {
            if refuseAnswers { throw ParleyError.internalFailure("disk full") }
            let stored = try await conversations.append(tenant: tenant, session: session, message: answer)
            written.append((stored, calls))
            return stored
        }

        func append(_ record: LLMCallRecord) async throws { alone.append(record) }
    }

    func agent() -> ResolvedAgent {
        ResolvedAgent(code: "sales", name: "Sales", persona: DefaultPersonas.sales(tenant: tenant, businessName: "Acme"),
                      model: "m", temperature: 0.1, maxTokens: 50, historyWindow: 4, retrievalTopK: 3)
    }

    func turn(refuseAnswers: Bool) async throws -> (ChatTurnEvent, Answers, CallLog, SessionID) {
        let conversations = InMemoryConversationStore()
        let answers = Answers(conversations, refuseAnswers: refuseAnswers)
        let log = CallLog()
        let model = ExtractiveAnswerer(recorder: PricingRecorder(prices: PriceTable([:]), log: log, redactor: Redactor()))
        let runner = ChatTurnRunner(conversations: conversations, retriever: FixedRetriever([tenant: passages]), model: model, answers: answers)
        let (session, question) = try await conversations.createSession(tenant: tenant, agentCode: "sales", keyHash: "h",
                                                                       firstMessage: NewMessage(role: .human, content: "How much is the Team plan?"))
        let last = await runner.complete(.init(tenant: tenant, session: session.id, question: question, agent: agent(), logger: Logger(label: "t")))
        return (last, answers, log, session.id)
    }

    @Test func theAnswerCarriesItsCallInOneWrite() async throws {
        let (last, answers, log, session) = try await turn(refuseAnswers: false)
        guard case .done(let result) = last else {
            Issue.record("the turn did not finish: \(last)")
            return
        }
        let written = await answers.written
        #expect(written.count == 1)
        #expect(written.first?.answer.id == result.messageID)
        #expect(written.first?.calls.map(\.provider) == ["extractive"])
        #expect(written.first?.calls.first?.sessionID == session)
        #expect(written.first?.calls.first?.responseBody["content"]?.stringValue == result.content)
        #expect(await log.calls.isEmpty, "the recorder handed the call to the turn instead of writing it")
        #expect(await answers.alone.isEmpty)
    }

    @Test func anAnswerThatCannotBeStoredStillLeavesItsCall() async throws {
        let (last, answers, log, _) = try await turn(refuseAnswers: true)
        guard case .failed(let error, _) = last else {
            Issue.record("the turn should fail when its answer cannot be stored: \(last)")
            return
        }
        #expect(error.code == "internal_error")
        #expect(await answers.written.isEmpty)
        #expect(await answers.alone.map(\.provider) == ["extractive"], "the call is written on its own")
        #expect(await log.calls.isEmpty)
    }

    @Test func aCallRecordedAfterTheTurnTookItsBatchIsWrittenByTheRecorder() async throws {
        let log = CallLog()
        let recorder = PricingRecorder(prices: PriceTable(["m": ModelPrice(prompt: 1, completion: 2)]), log: log, redactor: Redactor())
        let batch = LLMCallBatch()
        let context = LLMCallContext(tenantID: tenant, sessionID: nil, logger: Logger(label: "t"), batch: batch)
        let record = LLMCallRecord(tenantID: tenant, sessionID: nil, provider: "p", model: "m", requestBody: [:], responseBody: [:],
                                   usage: TokenUsage(promptTokens: 1_000_000, completionTokens: 0), latencyMs: 1, succeeded: true)
        await recorder.record(record, context: context)
        let held = await batch.close()
        #expect(held.map(\.cost) == [1], "priced before it was handed over")
        #expect(await batch.close().isEmpty, "a batch is taken once")
        await recorder.record(record, context: context)
        #expect(await log.calls.count == 1, "refused by the closed batch, written by the recorder")
    }

    /// Refuses a write from a cancelled task, as a database driver may.
    actor CancellationRefusingLog: LLMRequestLog {
        var calls: [LLMCallRecord] = []
        func append(_ record: LLMCallRecord) async throws {
            try Task.checkCancellation()
            calls.append(record)
        }
    }

    @Test func aCallCutShortByCancellationIsStillWritten() async throws {
        let log = CancellationRefusingLog()
        let recorder = PricingRecorder(prices: PriceTable([:]), log: log, redactor: Redactor())
        let context = LLMCallContext(tenantID: tenant, sessionID: nil, logger: Logger(label: "t"), batch: nil)
        let record = LLMCallRecord(tenantID: tenant, sessionID: nil, provider: "p", model: "m", requestBody: [:], responseBody: ["error": "cancelled"],
                                   usage: nil, latencyMs: 1, succeeded: false)
        let cancelled = Task {
            while !Task.isCancelled { await Task.yield() }
            await recorder.record(record, context: context)
        }
        cancelled.cancel()
        await cancelled.value
        #expect(await log.calls.count == 1)
    }
}
