import Foundation
import Logging
import ParleyCore
@testable import ParleyLeads
import Testing

/// The extractive summary, the model summary's prompt and its fallback, and the lead e-mail's
/// escaping.
@Suite("Summaries and the lead e-mail")
struct SummaryAndEmailTests {
    static let tenant = TenantID()
    static let session = SessionID()

    static func line(_ role: MessageRole, _ text: String, sources: [(String, String?)] = []) -> TranscriptLine {
        let citations: [JSONValue] = sources.enumerated().map { index, source in
            .object(["number": .number(Double(index + 1)), "title": .string(source.0), "url": source.1.map(JSONValue.string) ?? .null])
        }
        return TranscriptLine(StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session, role: role, content: text,
                                            metadata: .object(["citations": .array(citations)]), createdAt: Date()))
    }

    static let conversation = [
        line(.human, "Hello! We need 12 e-bikes for our delivery team. What does the Aurora Cargo cost?"),
        line(.assistant, "The Aurora Cargo costs 4,990 EUR.", sources: [("Aurora Cargo", "https://shop.example/cargo"), ("Prices", nil)]),
        line(.human, "Do you offer leasing\nand when could you deliver"),
        line(.assistant, "Yes, leasing is available.", sources: [("Leasing", "javascript:alert(1)")]),
    ]

    @Test func theExtractiveSummaryKeepsNeedsQuestionsAndSources() {
        var lead = LeadProfile()
        lead = lead.merging(ExtractedContact(name: "Mia Roth", email: "mia@example.com", interests: ["Aurora Cargo"]), from: nil, confirmed: true)
        let text = ExtractiveSummarizer().summary(of: Self.conversation, lead: lead)
        #expect(text.contains("Visitor: Mia Roth, mia@example.com (stage: qualified)"))
        #expect(text.contains("Interested in: Aurora Cargo."))
        #expect(text.contains("Needs: We need 12 e-bikes for our delivery team."))
        #expect(text.contains("- What does the Aurora Cargo cost?"))
        #expect(text.contains("- Do you offer leasing"), "a question without a question mark, by its first word")
        #expect(text.contains("- and when could you deliver") == false, "not a question opener")
        #expect(text.contains("Answers drew on: Aurora Cargo; Prices; Leasing."))
        #expect(text.contains("2 visitor messages, 2 answers."))
        #expect(!text.contains("Hello!"), "a greeting is neither a need nor a question")
    }

    @Test func aConversationWithoutNeedsOrQuestionsStartsFromTheFirstMessage() {
        let text = ExtractiveSummarizer().summary(of: [Self.line(.human, "Guten Tag, ich interessiere mich für Lastenräder.")], lead: nil)
        #expect(text.hasPrefix("Needs: Guten Tag, ich interessiere mich für Lastenräder."))
        let plain = ExtractiveSummarizer().summary(of: [Self.line(.human, "ok thanks")], lead: nil)
        #expect(plain.hasPrefix("Needs: ok thanks"))
    }

    @Test func longMessagesAreShortenedAndSentencesBounded() {
        let long = String(repeating: "word ", count: 2000)
        let text = ExtractiveSummarizer().summary(of: [Self.line(.human, long)], lead: nil)
        #expect(text.count < 400)
    }

    /// A model that answers with fixed tokens, or fails: the summarizer's other side.
    struct ScriptedModel: ChatModel {
        var tokens: [String]
        var fails = false
        var provider: String { "scripted" }
        func stream(_ request: ChatCompletionRequest, context: LLMCallContext) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
            AsyncThrowingStream { continuation in
                if fails { continuation.finish(throwing: CancellationError()); return }
                for token in tokens { continuation.yield(.token(token)) }
                continuation.yield(.finished(usage: nil, finishReason: "stop"))
                continuation.finish()
            }
        }
    }

    @Test func theModelSummaryIsTheModelsTextAndItsPromptHoldsTheTranscript() async throws {
        let context = LLMCallContext(tenantID: Self.tenant, sessionID: Self.session, logger: Logger(label: "test"))
        let summarizer = ModelSummarizer(model: ScriptedModel(tokens: ["  Mia wants ", "12 cargo bikes. "]), modelName: "m-1")
        #expect(try await summarizer.summarize(Self.conversation, lead: nil, context: context) == "Mia wants 12 cargo bikes.")
        #expect(summarizer.method == "llm:m-1")
        let prompt = ModelSummarizer.prompt(Self.conversation, lead: nil)
        #expect(prompt.count == 2 && prompt[1].content.contains("Visitor: Do you offer leasing and when could you deliver"))
        #expect(prompt[1].content.contains("[sources: Aurora Cargo; Prices]"))
        // A long transcript keeps its newest messages within the bound.
        let many = (0 ..< 400).map { Self.line(.human, "message number \($0) " + String(repeating: "x", count: 100)) }
        let bounded = ModelSummarizer.prompt(many, lead: nil)[1].content
        #expect(bounded.count <= ModelSummarizer.transcriptChars + 200 && bounded.contains("message number 399") && !bounded.contains("message number 0 "))
        await #expect(throws: (any Error).self, "an empty answer is a failure (the use case falls back to the extractive summary)") {
            try await ModelSummarizer(model: ScriptedModel(tokens: [" "]), modelName: "m").summarize(Self.conversation, lead: nil, context: context)
        }
        await #expect(throws: (any Error).self) {
            try await ModelSummarizer(model: ScriptedModel(tokens: [], fails: true), modelName: "m").summarize(Self.conversation, lead: nil, context: context)
        }
    }

    @Test func theLeadEmailEscapesEverythingTheVisitorWrote() {
        let hostile = "<img src=x onerror=alert(1)> & \"quoted\" 'single'"
        var lead = LeadProfile()
        lead = lead.merging(ExtractedContact(name: "<b>Eve</b>", email: "eve@example.com"), from: nil, confirmed: true)
        let summary = ConversationSummary(sessionID: Self.session, text: "Needs: \(hostile)\n\nQuestions asked:\n- <script>1</script>?",
                                          trigger: .leadForm, method: "extractive")
        let email = LeadSummaryEmail(tenantName: "Acme <Bikes>", lead: lead, summary: summary,
                                     lines: [Self.line(.human, hostile)] + Self.conversation)
        let html = email.html
        for raw in ["<img", "<b>Eve", "<script>", "Acme <Bikes>", "\"quoted\"", "href=\"javascript:"] {
            #expect(!html.contains(raw), "\(raw) reached the HTML unescaped")
        }
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;"))
        #expect(html.contains("&lt;b&gt;Eve&lt;/b&gt;") && html.contains("(confirmed)"))
        #expect(html.contains("<a href=\"https://shop.example/cargo\">Aurora Cargo</a>"), "web links stay links")
        #expect(html.contains("<li>Leasing</li>"), "a javascript: link is dropped, its title kept")
        #expect(html.contains("&lt;script&gt;1&lt;/script&gt;?"))
        #expect(email.subject == "Acme <Bikes>: <b>Eve</b>, asked to be contacted", "the subject is a header, not HTML")
        #expect(email.text.contains("Needs: \(hostile)") && email.text.contains("Name: <b>Eve</b> (confirmed)"))
        #expect(email.text.contains("source: Aurora Cargo <https://shop.example/cargo>"))
    }

    @Test func aLongTranscriptKeepsItsNewestMessages() {
        let lines = (0 ..< 100).map { Self.line(.human, "line \($0)") }
        let email = LeadSummaryEmail(tenantName: "Acme", lead: nil, summary: ConversationSummary(sessionID: Self.session, text: "s", trigger: .inactivity, method: "extractive"),
                                     lines: lines)
        #expect(email.text.contains("the newest 60 of 100 messages") && email.text.contains("line 99") && !email.text.contains("line 39\n"))
        #expect(email.subject == "Acme: a website visitor, conversation ended")
    }
}
