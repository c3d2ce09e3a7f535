import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Chat turn")
struct ChatTurnRunnerTests {
    let tenant = TenantID()
    let passages = [SourcePassage(chunkID: "k1", title: "Pricing", url: "https://acme.test/pricing",
                                  text: "The Team plan costs $49 per month.", score: 0.83)]

    func agent(window: Int = 4) -> ResolvedAgent {
        ResolvedAgent(code: "sales", name: "Sales", persona: DefaultPersonas.sales(tenant: tenant, businessName: "Acme"),
                      model: "m", temperature: 0.1, maxTokens: 50, historyWindow: window, retrievalTopK: 3)
    }

    func start(_ store: InMemoryConversationStore, _ text: String) async throws -> (SessionID, StoredMessage) {
        let (session, message) = try await store.createSession(tenant: tenant, agentCode: "sales", keyHash: "h",
                                                               firstMessage: NewMessage(role: .human, content: text))
        return (session.id, message)
    }

    @Test func citationsTokensThenDoneAndTheAnswerIsStored() async throws {
        let store = InMemoryConversationStore()
        let model = ScriptedChatModel(tokens: ["It is ", "$49 [1]."], ending: .finish(TokenUsage(promptTokens: 9, completionTokens: 4)))
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]), model: model)
        let (session, question) = try await start(store, "Team plan price?")
        var events: [ChatTurnEvent] = []
        for await event in runner.run(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"))) {
            events.append(event)
        }
        guard case .citations(let citations) = events.first, case .done(let result) = events.last else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(citations.map(\.number) == [1])
        #expect(citations.first?.url == "https://acme.test/pricing")
        #expect(events.dropFirst().dropLast() == [.token("It is "), .token("$49 [1].")])
        #expect(result.content == "It is $49 [1].")
        let messageID = try #require(result.messageID)
        let stored = try #require(try await store.message(tenant: tenant, id: messageID))
        #expect(stored.role == .assistant)
        #expect(stored.isComplete)
        #expect(stored.metadata["citations"]?.arrayValue?.first?["chunk_id"]?.stringValue == "k1")
        #expect(stored.metadata["usage"]?["total_tokens"] == .number(13))
        // The prompt numbered the source and carried the question last.
        let request = try #require(await model.receivedRequests.first)
        #expect(request.messages.first?.content.contains("[1] Pricing (https://acme.test/pricing)") == true)
        #expect(request.messages.last == PromptMessage(role: .user, content: "Team plan price?"))
        #expect(request.passages == passages)
    }

    /// Scores every answer the same, to see where the score goes.
    struct FixedScorer: AnswerConfidenceScoring {
        var similarity = 1.0

        func confidence(question: String, answer: String, passages: [SourcePassage]) -> AnswerConfidence {
            AnswerConfidence(retrievalSimilarity: passages.isEmpty ? 0 : similarity, sourceCoverage: answer.contains("[1]") ? 1 : 0, answerCoherence: 0.5)
        }

        func retrievalSimilarity(of passages: [SourcePassage]) -> Double { passages.isEmpty ? 0 : similarity }
    }

    /// Refuses below 0.5 (the fixed scorer's answers without a citation, at similarity 0.5) and records what it is told.
    actor FixedEscalation: TurnEscalating {
        var escalated: [(EscalationReason, MessageID)] = []

        func policy(tenant: TenantID, question: String) async -> HandoffPolicy? {
            HandoffPolicy(escalateBelow: 0.8, refuseBelow: 0.5, message: "A colleague will answer this.")
        }

        nonisolated func reason(question: String, confidence: AnswerConfidence?, policy: HandoffPolicy?) -> EscalationReason? {
            (confidence?.score ?? 1) < (policy?.escalateBelow ?? 0) ? .lowConfidence : nil
        }

        func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async {
            escalated.append((reason, answer))
        }
    }

    @Test func aConversationAlreadyEscalatedIsNotEscalatedAgain() async throws {
        let store = InMemoryConversationStore()
        let escalation = FixedEscalation()
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]),
                                    model: ScriptedChatModel(tokens: ["It is ", "$49 [1]."]), scorer: FixedScorer(similarity: 0.5), escalation: escalation)
        for alreadyEscalated in [false, true] {
            let (session, question) = try await start(store, "Team plan price?")
            let result = await runner.complete(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"),
                                                     alreadyEscalated: alreadyEscalated))
            guard case .done(let done) = result else {
                Issue.record("unexpected \(result)")
                return
            }
            // The answer still says it was unsure; only the escalation is not recorded a second time.
            #expect(done.escalation == .lowConfidence && done.isUnsure)
        }
        #expect(await escalation.escalated.count == 1)
    }

    @Test func anAnswerThatCouldBeRefusedIsHeldBackAndReplacedWhenItScoresTooLow() async throws {
        let store = InMemoryConversationStore()
        let escalation = FixedEscalation()
        // Similarity 0.5: the least this answer can score is 0.2, under the refusal threshold, so it is held back.
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]),
                                    model: ScriptedChatModel(tokens: ["It costs ", "a lot."]), scorer: FixedScorer(similarity: 0.5), escalation: escalation)
        let (session, question) = try await start(store, "Team plan price?")
        var events: [ChatTurnEvent] = []
        for await event in runner.run(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"))) {
            events.append(event)
        }
        // 0.4 * 0.5 + 0 + 0.15 = 0.35 < 0.5: the visitor gets the hand-over message, without citations.
        #expect(events.dropLast() == [.token("A colleague will answer this.")])
        guard case .done(let result) = events.last else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(result.content == "A colleague will answer this." && result.citations.isEmpty)
        #expect(result.withheldAnswer == "It costs a lot." && result.escalation == .lowConfidence)
        // The visitor did not get the unsure answer, so it is not marked as one.
        #expect(!result.isUnsure)
        let answerID = try #require(result.messageID)
        let stored = try #require(try await store.message(tenant: tenant, id: answerID))
        #expect(stored.content == "A colleague will answer this.")
        #expect(stored.metadata["withheld_answer"] == .string("It costs a lot."))
        #expect(await escalation.escalated.map(\.0) == [.lowConfidence])

        // Held back but good enough (0.2 + 0.3 + 0.15 = 0.65): given whole, with its citations.
        let cited = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]),
                                   model: ScriptedChatModel(tokens: ["It is ", "$49 [1]."]), scorer: FixedScorer(similarity: 0.5), escalation: escalation)
        let (other, second) = try await start(store, "Team plan price?")
        var given: [ChatTurnEvent] = []
        for await event in cited.run(.init(tenant: tenant, session: other, question: second, agent: agent(), logger: Logger(label: "t"))) {
            given.append(event)
        }
        #expect(given.dropLast() == [.citations(prompts.citations(for: passages)), .token("It is $49 [1].")])
        // Given, but below the escalation threshold (0.8): the widget may mark it as not sure.
        guard case .done(let givenResult) = given.last else {
            Issue.record("unexpected events \(given)")
            return
        }
        #expect(givenResult.isUnsure && givenResult.metadata["escalation"] == "low_confidence")

        // Similarity 1 and refusal below 0.3: the least it can score, 0.4, cannot be refused, so it streams token by token.
        let streaming = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]),
                                       model: ScriptedChatModel(tokens: ["It is ", "$49 [1]."]), scorer: FixedScorer(), escalation: LenientEscalation())
        let (third, asked) = try await start(store, "Team plan price?")
        var streamed: [ChatTurnEvent] = []
        for await event in streaming.run(.init(tenant: tenant, session: third, question: asked, agent: agent(), logger: Logger(label: "t"))) {
            streamed.append(event)
        }
        #expect(streamed.dropFirst().dropLast() == [.token("It is "), .token("$49 [1].")])
    }

    /// Refuses only below 0.3.
    struct LenientEscalation: TurnEscalating {
        func policy(tenant: TenantID, question: String) async -> HandoffPolicy? { HandoffPolicy() }
        func reason(question: String, confidence: AnswerConfidence?, policy: HandoffPolicy?) -> EscalationReason? { nil }
        func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async {}
    }

    let prompts = PromptBuilder()

    @Test func aCompleteAnswerCarriesItsConfidenceIntoTheResultAndTheStoredMessage() async throws {
        let store = InMemoryConversationStore()
        let model = ScriptedChatModel(tokens: ["$49 [1]."], ending: .finish(TokenUsage(promptTokens: 9, completionTokens: 4)))
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]), model: model, scorer: FixedScorer())
        let (session, question) = try await start(store, "Team plan price?")
        guard case .done(let result) = await runner.complete(.init(tenant: tenant, session: session, question: question, agent: agent(),
                                                                   logger: Logger(label: "t"))) else {
            Issue.record("the turn did not finish")
            return
        }
        #expect(result.confidence == AnswerConfidence(retrievalSimilarity: 1, sourceCoverage: 1, answerCoherence: 0.5))
        let messageID = try #require(result.messageID)
        let stored = try #require(try await store.message(tenant: tenant, id: messageID))
        #expect(stored.metadata["confidence"]?["score"] == .number(0.85))
        #expect(stored.metadata["confidence"]?["source_coverage"] == .number(1))
        // A failed turn's partial answer is not scored.
        let failing = ChatTurnRunner(conversations: store, retriever: FixedRetriever([tenant: passages]),
                                     model: ScriptedChatModel(tokens: ["$4"], ending: .fail(.upstream("llm_interrupted", "cut"))), scorer: FixedScorer())
        let (other, second) = try await start(store, "Again?")
        guard case .failed(_, let partial) = await failing.complete(.init(tenant: tenant, session: other, question: second, agent: agent(),
                                                                         logger: Logger(label: "t"))) else {
            Issue.record("the turn did not fail")
            return
        }
        #expect(partial?.confidence == nil)
    }

    @Test func failureStoresThePartialAnswerAsIncomplete() async throws {
        let store = InMemoryConversationStore()
        let failure = ParleyError.upstream("llm_interrupted", "cut")
        let runner = ChatTurnRunner(conversations: store, retriever: NoRetriever(),
                                    model: ScriptedChatModel(tokens: ["Half "], ending: .fail(failure)))
        let (session, question) = try await start(store, "Q")
        let last = await runner.complete(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t")))
        guard case .failed(let error, let partial) = last else {
            Issue.record("expected failure, got \(last)")
            return
        }
        #expect(error == failure)
        #expect(partial?.complete == false)
        let history = try await store.history(tenant: tenant, session: session, limit: 10)
        #expect(history.map(\.content) == ["Q", "Half "])
        #expect(history.last?.isComplete == false)
        #expect(history.last?.metadata["error"]?.stringValue == "llm_interrupted")
    }

    @Test func disconnectCancelsTheModelAndKeepsWhatWasSaid() async throws {
        let store = InMemoryConversationStore()
        let model = ScriptedChatModel(tokens: (0..<50).map { "w\($0) " }, pause: .milliseconds(20))
        let runner = ChatTurnRunner(conversations: store, retriever: NoRetriever(), model: model)
        let (session, question) = try await start(store, "Long answer please")
        let consumer = Task {
            var received = 0
            for await event in runner.run(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"))) {
                if case .token = event { received += 1 }
                if received == 3 { break }
            }
        }
        await consumer.value
        // The partial answer is written by a task of its own; give it a moment.
        var history: [StoredMessage] = []
        for _ in 0..<100 {
            history = try await store.history(tenant: tenant, session: session, limit: 10)
            if history.count == 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(history.count == 2)
        let partial = try #require(history.last)
        #expect(!partial.isComplete)
        #expect(partial.content.hasPrefix("w0 w1 w2 "))
        #expect(partial.content.split(separator: " ").count < 50)
    }

    @Test func historyWindowBoundsThePrompt() async throws {
        let store = InMemoryConversationStore()
        let model = ScriptedChatModel(tokens: ["ok"])
        let runner = ChatTurnRunner(conversations: store, retriever: NoRetriever(), model: model)
        let (session, first) = try await start(store, "m0")
        var question = first
        for index in 1...5 {
            _ = await runner.complete(.init(tenant: tenant, session: session, question: question, agent: agent(window: 3), logger: Logger(label: "t")))
            question = try await store.append(tenant: tenant, session: session, message: NewMessage(role: .human, content: "m\(index)"))
        }
        let last = try #require(await model.receivedRequests.last)
        // system + three history messages + the question.
        #expect(last.messages.count == 5)
        #expect(last.messages.map(\.content).suffix(4) == ["ok", "m3", "ok", "m4"])
    }
}
