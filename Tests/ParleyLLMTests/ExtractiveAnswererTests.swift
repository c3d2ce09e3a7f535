import Logging
import ParleyCore
import ParleyLLM
import ParleyTestSupport
import Testing

@Suite("Extractive answerer")
struct ExtractiveAnswererTests {
    let passages = [
        SourcePassage(chunkID: "c1", title: "Pricing", url: "https://example.com/pricing",
                      text: "Our Team plan costs $49 per month. The Starter plan is free for one user.", score: 0.9),
        SourcePassage(chunkID: "c2", title: "Trial", url: nil,
                      text: "Every paid plan comes with a 14-day free trial. No credit card is needed.", score: 0.7),
    ]

    @Test func citesTheSentencesThatMatch() {
        let answerer = ExtractiveAnswerer(recorder: RecordingCallRecorder())
        let answer = answerer.compose(question: "How much does the Team plan cost?", passages: passages)
        #expect(answer.contains("$49 per month"))
        #expect(answer.contains("[1]"))
        let trial = answerer.compose(question: "Is there a free trial?", passages: passages)
        #expect(trial.contains("14-day free trial. [2]"))
    }

    @Test func withoutSourcesItSaysSoAndOffersAPerson() {
        let answer = ExtractiveAnswerer(recorder: RecordingCallRecorder()).compose(question: "Do you ship to Mars?", passages: [])
        #expect(answer.contains("couldn't find"))
        #expect(answer.contains("team"))
    }

    @Test func aGreetingIsGreetedWhateverItsCaseAndPunctuation() {
        let answerer = ExtractiveAnswerer(recorder: RecordingCallRecorder())
        for greeting in ["Hello!", "  ¡HOLA! ", "Good morning...", "hey?!"] {
            let answer = answerer.compose(question: greeting, passages: passages)
            #expect(answer.hasPrefix("Hello! I can answer"), "\(greeting)")
        }
        for question in ["Hello, how much does the Team plan cost?", "good morning team plan price"] {
            #expect(!answerer.compose(question: question, passages: passages).hasPrefix("Hello! I can answer"), "\(question)")
        }
    }

    @Test(arguments: [Duration.milliseconds(1), .zero])
    func streamsTheAnswerAndRecordsTheCall(wordDelay: Duration) async throws {
        let recorder = RecordingCallRecorder()
        let answerer = ExtractiveAnswerer(recorder: recorder, wordDelay: wordDelay)
        let request = ChatCompletionRequest(model: "any", messages: [PromptMessage(role: .user, content: "Team plan price?")],
                                            temperature: 0, maxTokens: 100, passages: passages)
        var text = ""
        var pieces = 0
        var usage: TokenUsage?
        for try await event in answerer.stream(request, context: LLMCallContext(tenantID: TenantID(), sessionID: nil, logger: Logger(label: "t"))) {
            switch event {
            case .token(let token): text += token; pieces += 1
            case .finished(let reported, _): usage = reported
            }
        }
        #expect(text == answerer.compose(question: "Team plan price?", passages: passages))
        // Word by word when paced; at once, as one token, when not.
        #expect(wordDelay > .zero ? pieces > 3 : pieces == 1)
        #expect((usage?.completionTokens ?? 0) > 0)
        let calls = await recorder.waitForCalls(1)
        #expect(calls.first?.provider == "extractive")
        #expect(calls.first?.model == ExtractiveAnswerer.modelName)
    }
}
