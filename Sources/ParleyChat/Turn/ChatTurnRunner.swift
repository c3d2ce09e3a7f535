import Foundation
import Logging
import ParleyCore

/// Runs one chat turn: reads the history window, retrieves sources, builds the prompt,
/// streams the model's answer, and stores the assistant message with its metadata.
///
/// The visitor's message has already been stored by the time a turn runs. If the model fails
/// mid-answer or the visitor disconnects, the partial answer is still stored, marked incomplete.
/// With a `TurnAnswerStore`, the answer and the records of the turn's LLM calls are written
/// together (on PostgreSQL one statement and one commit where there were two).
public struct ChatTurnRunner: Sendable {
    private let conversations: any ConversationStore
    private let retriever: any Retriever
    private let model: any ChatModel
    private let prompts: PromptBuilder
    /// Scores every complete answer (nil: answers carry no confidence).
    private let scorer: (any AnswerConfidenceScoring)?
    /// Hands the conversation to a person when a complete turn calls for it (nil: never).
    private let escalation: (any TurnEscalating)?
    /// The model's check of its own answer: the confidence's coherence, and its own call for a
    /// person (nil: the scorer's lexical coherence, and no such call).
    private let reviewer: (any AnswerReviewing)?
    /// Writes the answer with the turn's LLM call records (nil: the answer goes through
    /// `conversations` and each record is written by the model's recorder on its own).
    private let answers: (any TurnAnswerStore)?

    public init(conversations: any ConversationStore, retriever: any Retriever, model: any ChatModel,
                prompts: PromptBuilder = PromptBuilder(), scorer: (any AnswerConfidenceScoring)? = nil,
                escalation: (any TurnEscalating)? = nil, reviewer: (any AnswerReviewing)? = nil,
                answers: (any TurnAnswerStore)? = nil) {
        self.answers = answers
        self.conversations = conversations
        self.retriever = retriever
        self.model = model
        self.prompts = prompts
        self.scorer = scorer
        self.escalation = escalation
        self.reviewer = reviewer
    }

    public struct Input: Sendable {
        public var tenant: TenantID
        public var session: SessionID
        public var question: StoredMessage
        public var agent: ResolvedAgent
        public var logger: Logger
        /// The messages before the question, when the caller read them with it (else the turn reads them).
        public var history: [StoredMessage]?
        /// The conversation already waits for (or is with) a person, as the caller read it: the
        /// turn then records no second escalation (the store would keep the open one anyway) and
        /// spares those statements.
        public var alreadyEscalated: Bool
        /// For a turn started before its stream id was redeemed (at the POST): where its complete
        /// answer waits for the redemption, which decides whether it is stored and what
        /// `alreadyEscalated` is. Nil: the caller redeemed first.
        public var gate: TurnGate?

        public init(tenant: TenantID, session: SessionID, question: StoredMessage, agent: ResolvedAgent, logger: Logger,
                    history: [StoredMessage]? = nil, alreadyEscalated: Bool = false, gate: TurnGate? = nil) {
            self.gate = gate
            self.tenant = tenant
            self.session = session
            self.question = question
            self.agent = agent
            self.logger = logger
            self.history = history
            self.alreadyEscalated = alreadyEscalated
        }
    }

    /// Starts the turn. Cancelling the consumer (or calling `cancel()` on the events) cancels
    /// the model call.
    public func run(_ input: Input) -> TurnEvents {
        let events = TurnEvents()
        let task = Task {
            await perform(input, emit: { events.yield($0) })
            events.finish()
            input.gate?.settle()
        }
        events.onCancel { task.cancel() }
        return events
    }

    /// Runs the turn to its end and returns the final event (`done` or `failed`).
    public func complete(_ input: Input) async -> ChatTurnEvent {
        var last = ChatTurnEvent.failed(.internalFailure("The answer could not be produced."), partial: nil)
        for await event in run(input) {
            if case .done = event { last = event }
            if case .failed = event { last = event }
        }
        return last
    }

    private func perform(_ input: Input, emit: @Sendable (ChatTurnEvent) -> Void) async {
        let started = ContinuousClock.now
        let passages: [SourcePassage]
        let history: [StoredMessage]
        do {
            if let known = input.history {
                history = known
            } else {
                history = try await conversations.recentTurns(tenant: input.tenant, session: input.session, limit: input.agent.historyWindow,
                                                              before: input.question.id)
            }
            passages = try await retriever.retrieve(RetrievalQuery(
                tenantID: input.tenant, agentCode: input.agent.code, text: input.question.content, topK: input.agent.retrievalTopK,
                mode: input.agent.retrievalMode, minScore: input.agent.retrievalMinScore))
        } catch {
            input.logger.error("chat turn preparation failed", metadata: ["event": "chat_turn_failed", "error": "\(type(of: error))"])
            emit(.failed(.internalFailure("The answer could not be prepared."), partial: nil))
            return
        }
        var citations = prompts.citations(for: passages)
        // Only an answer to the question is scored (a fixed message is not one). An answer that
        // could score below the refusal threshold is held back until it is scored: the visitor
        // then gets it whole, or the hand-over message instead. Without any passage the model
        // answers on its own (a knowledge base not filled yet): never withheld, though the
        // escalation still flags a low score.
        let scorer = model.answersQuestions ? self.scorer : nil
        let policy = await escalation?.policy(tenant: input.tenant, question: input.question.content)
        let holdsBack = !passages.isEmpty && policy.map { policy in
            scorer.map { AnswerConfidence.lowest(retrievalSimilarity: $0.retrievalSimilarity(of: passages)) < policy.refuseBelow } ?? false
        } ?? false
        if !citations.isEmpty, !holdsBack { emit(.citations(citations)) }
        let request = ChatCompletionRequest(
            model: input.agent.model,
            messages: prompts.messages(persona: input.agent.persona, history: history, passages: passages,
                                       question: input.question.content),
            temperature: input.agent.temperature, maxTokens: input.agent.maxTokens, passages: passages)
        input.logger.debug("prompt assembled", metadata: [
            "event": "prompt", "prompt": "\(request.messages.map(\.content).joined(separator: "\n---\n"))",
        ])

        var text = ""
        var usage: TokenUsage?
        var failure: ParleyError?
        let batch = answers == nil ? nil : LLMCallBatch()
        let context = LLMCallContext(tenantID: input.tenant, sessionID: input.session, logger: input.logger, batch: batch)
        do {
            for try await event in model.stream(request, context: context) {
                switch event {
                case .token(let token):
                    text += token
                    if !holdsBack { emit(.token(token)) }
                case .finished(let reported, _):
                    usage = reported
                }
            }
            if Task.isCancelled { failure = Self.disconnected }
        } catch let error as ParleyError {
            failure = error
        } catch let error as any ParleyErrorConvertible {
            failure = error.parleyError
        } catch {
            failure = Task.isCancelled ? Self.disconnected : .internalFailure("The answer could not be produced.")
        }

        var confidence = failure == nil ? scorer?.confidence(question: input.question.content, answer: text, passages: passages) : nil
        let review = confidence == nil ? nil : await reviewer?.review(question: input.question.content, answer: text, passages: passages, call: context)
        if let review { confidence = confidence?.withCoherence(review.coherence) }
        var withheld: String?
        if holdsBack, let policy, let confidence {
            if confidence.score < policy.refuseBelow {
                withheld = text
                text = policy.message
                citations = []
            } else if !citations.isEmpty {
                emit(.citations(citations))
            }
            emit(.token(text))
        }
        let elapsed = started.duration(to: .now)
        var result = ChatTurnResult(
            messageID: nil, content: text, citations: citations, model: model.effectiveModel(requested: input.agent.model), provider: model.provider,
            usage: usage, latencyMs: elapsed.wholeMilliseconds,
            complete: failure == nil)
        result.withheldAnswer = withheld
        result.confidence = confidence
        if failure == nil, let escalation {
            let reason = escalation.reason(question: input.question.content, confidence: confidence, policy: policy)
            // The visitor's own request names the escalation best; the model's call for a person next.
            result.escalation = reason != .visitorRequest && review?.needsPerson == true ? .agentDecision : reason
        }
        let calls = await batch?.close() ?? []
        var alreadyEscalated = input.alreadyEscalated
        if let gate = input.gate {
            // Prepared ahead of its stream: stored only once the stream id is redeemed.
            guard case .redeemed(let escalated) = await gate.wait() else {
                await record(calls, input: input)
                return
            }
            alreadyEscalated = escalated
        }
        // Known before the answer is stored, so that its write can open it too.
        var opening: EscalationOpening?
        if let escalation, let reason = result.escalation, !alreadyEscalated, answers != nil {
            opening = await escalation.opening(tenant: input.tenant, session: input.session, reason: reason, confidence: result.confidence)
        }
        var opened = EscalationOpeningOutcome.notAttempted
        if failure == nil || !text.isEmpty {
            (result.messageID, opened) = await store(result, input: input, failureCode: failure?.code, calls: calls, opening: opening)
        } else {
            await record(calls, input: input)
        }
        if let escalation, let reason = result.escalation, let answer = result.messageID, !alreadyEscalated {
            switch opened {
            case .opened(let record):
                if let opening { await escalation.announce(record, opening: opening) }
            case .alreadyOpen:
                break
            case .notAttempted:
                await escalation.escalate(tenant: input.tenant, session: input.session, reason: reason, answer: answer, confidence: result.confidence)
            }
        }
        if let failure {
            input.logger.log(level: failure.logLevel, "chat turn ended early", metadata: [
                "event": "chat_turn_incomplete", "code": "\(failure.code)", "latency_ms": "\(result.latencyMs)",
            ])
            emit(.failed(failure, partial: text.isEmpty ? nil : result))
        } else if result.messageID == nil {
            emit(.failed(.internalFailure("The answer could not be saved."), partial: nil))
        } else {
            var metadata: Logger.Metadata = ["event": "chat_turn", "latency_ms": "\(result.latencyMs)", "citations": "\(citations.count)"]
            if let confidence = result.confidence { metadata["confidence"] = "\((confidence.score * 1000).rounded() / 1000)" }
            input.logger.info("chat turn completed", metadata: metadata)
            emit(.done(result))
        }
    }

    /// Stores the answer (with `calls`, the turn's LLM call records, and `opening`, the
    /// escalation it opens) outside the turn's task, so that a disconnect (which cancels the
    /// turn) cannot also cancel the write of the partial answer. When the answer cannot be
    /// stored, the calls are still written on their own.
    private func store(_ result: ChatTurnResult, input: Input, failureCode: String?, calls: [LLMCallRecord],
                       opening: EscalationOpening?) async -> (MessageID?, EscalationOpeningOutcome) {
        var metadata = result.metadata
        if let failureCode, case .object(var object) = metadata {
            object["error"] = .string(failureCode)
            metadata = .object(object)
        }
        let message = NewMessage(role: .assistant, content: result.content, metadata: metadata)
        let (conversations, answers) = (self.conversations, self.answers)
        let write = Task { () -> (StoredMessage, EscalationOpeningOutcome) in
            guard let answers else { return (try await conversations.append(tenant: input.tenant, session: input.session, message: message), .notAttempted) }
            guard let opening else {
                return (try await answers.append(tenant: input.tenant, session: input.session, answer: message, calls: calls), .notAttempted)
            }
            return try await answers.append(tenant: input.tenant, session: input.session, answer: message, calls: calls, opening: opening)
        }
        do {
            let (stored, opened) = try await write.value
            return (stored.id, opened)
        } catch {
            input.logger.error("storing the answer failed", metadata: ["event": "store_failed", "error": "\(type(of: error))"])
            await record(calls, input: input)
            return (nil, .notAttempted)
        }
    }

    /// Writes call records that no answer carries (a turn that failed before any text, or whose
    /// answer could not be stored), each on its own and outside the turn's task.
    private func record(_ calls: [LLMCallRecord], input: Input) async {
        guard let answers, !calls.isEmpty else { return }
        await Task {
            for call in calls {
                do {
                    try await answers.append(call)
                } catch {
                    input.logger.error("recording an LLM call failed", metadata: ["event": "llm_record_failed", "error": "\(type(of: error))"])
                }
            }
        }.value
    }

    static let disconnected = ParleyError(code: "client_disconnected", message: "The visitor disconnected.", kind: .clientGone)
}
