import Foundation
@testable import ParleyChat
import ParleyCore
import Testing

@Suite("Prompt assembly")
struct PromptBuilderTests {
    let tenant = TenantID()

    @Test func withoutSourcesThePromptForbidsInventing() {
        let persona = DefaultPersonas.sales(tenant: tenant, businessName: "Acme")
        let messages = PromptBuilder().messages(persona: persona, history: [], passages: [], question: "Q?")
        #expect(messages.count == 2)
        #expect(messages[0].role == .system)
        #expect(messages[0].content.contains("Acme"))
        #expect(messages[0].content.contains("No knowledge-base sources"))
    }

    @Test func historySkipsSystemAndEmptyAssistantMessages() {
        let persona = DefaultPersonas.sales(tenant: tenant, businessName: "Acme")
        func message(_ role: MessageRole, _ text: String) -> StoredMessage {
            StoredMessage(id: MessageID(), tenantID: tenant, sessionID: SessionID(), role: role, content: text, metadata: [:], createdAt: Date())
        }
        let history = [message(.human, "a"), message(.system, "internal"), message(.assistant, ""), message(.assistant, "b")]
        let messages = PromptBuilder().messages(persona: persona, history: history, passages: [], question: "c")
        #expect(messages.dropFirst().map(\.content) == ["a", "b", "c"])
        #expect(messages.dropFirst().map(\.role) == [.user, .assistant, .user])
    }

    @Test func citationsAreNumberedWithShortSnippets() {
        let long = String(repeating: "word ", count: 200)
        let citations = PromptBuilder().citations(for: [
            SourcePassage(chunkID: "a", title: "A", url: nil, text: long, score: 0.5),
            SourcePassage(chunkID: "b", title: "B", url: "https://b.test", text: "short", score: 0.4),
        ])
        #expect(citations.map(\.number) == [1, 2])
        #expect(citations[0].snippet.count <= 281)
        #expect(citations[0].snippet.hasSuffix("…"))
        #expect(citations[1].snippet == "short")
    }

    /// The snippet reads only the start of a passage; it must still be what collapsing the whole
    /// passage's whitespace and cutting at the last word boundary gives.
    @Test func snippetsReadOnlyTheStartAndEqualTheWholeTextsCut() {
        func whole(_ text: String, length: Int) -> String {
            let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard collapsed.count > length else { return collapsed }
            let cut = collapsed.prefix(length)
            return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
        }
        var generator = SystemRandomNumberGenerator()
        // ASCII and other whitespace, marks that join the character before them (an ASCII one
        // too), regional indicators that pair up, a joiner, emoji.
        let alphabet: [Character] = Array("ab yz.\n\t\r\u{0B}\u{0C}\u{85}\u{a0}\u{2028}é€😀\u{200d}") + ["e\u{301}", "\r\n", "\u{301}", "\u{308}", "\u{1F1E9}", "\u{1F1EA}"]
        for _ in 0 ..< 5_000 {
            let text = String((0 ..< Int.random(in: 0 ... 50, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let length = Int.random(in: 0 ... 30, using: &generator)
            #expect(CitationSnippet.of(text, length: length) == whole(text, length: length), "\(text.debugDescription) \(length)")
        }
    }
}
