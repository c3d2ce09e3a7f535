import Foundation
import ParleyRetrieval
import Testing

@Suite("Chunking")
struct TextChunkerTests {
    /// `count` distinct one-token sentences of two words each ("w1 end." …).
    func sentences(_ count: Int, from start: Int = 0) -> String {
        (start ..< start + count).map { "Word\($0) ends." }.joined(separator: " ")
    }

    @Test func shortDocumentIsOneChunkWithItsHeadingPath() {
        let document = ExtractedDocument(title: "T", sections: [.init(headingPath: ["Pricing", "Plans"], paragraphs: ["One.", "Two."])])
        let chunks = TextChunker().chunks(of: document)
        #expect(chunks.count == 1)
        #expect(chunks[0].text == "One.\n\nTwo.")
        #expect(chunks[0].headingPath == ["Pricing", "Plans"])
        #expect(chunks[0].position == 0)
    }

    @Test func longParagraphBreaksAtSentencesWithOverlap() {
        // Each "WordN ends." is 3 estimated tokens (two words + the full stop).
        #expect(TextChunker.estimatedTokens("Word1 ends.") == 3)
        let document = ExtractedDocument(title: "T", plainText: sentences(40))
        let chunker = TextChunker(targetTokens: 30, overlapTokens: 6)
        let chunks = chunker.chunks(of: document)
        #expect(chunks.count > 3)
        for chunk in chunks {
            #expect(chunk.tokens <= 30)
            #expect(chunk.text.hasSuffix("ends."), "chunks end at sentence boundaries")
        }
        // Consecutive chunks share exactly two sentences (6 tokens of overlap).
        for (first, second) in zip(chunks, chunks.dropFirst()) {
            let tail = first.text.components(separatedBy: " ").suffix(4).joined(separator: " ")
            #expect(second.text.hasPrefix(tail))
        }
        #expect(chunks.map(\.position) == Array(0 ..< chunks.count))
        // Every sentence appears somewhere.
        let all = chunks.map(\.text).joined(separator: " ")
        for number in 0 ..< 40 { #expect(all.contains("Word\(number) ends.")) }
    }

    @Test func sectionsAreNeverMixedAndOverlongSentencesAreCut() {
        let longSentence = (0 ..< 100).map { "w\($0)" }.joined(separator: " ")
        let document = ExtractedDocument(title: "T", sections: [
            .init(headingPath: ["A"], paragraphs: ["Alpha text."]),
            .init(headingPath: ["B"], paragraphs: [longSentence]),
        ])
        let chunks = TextChunker(targetTokens: 20, overlapTokens: 0).chunks(of: document)
        #expect(chunks[0].text == "Alpha text.")
        #expect(chunks[0].headingPath == ["A"])
        #expect(chunks.dropFirst().allSatisfy { $0.headingPath == ["B"] && $0.tokens <= 20 })
        #expect(chunks.dropFirst().map(\.text).joined(separator: " ") == longSentence)
    }

    @Test func abbreviationsAndDecimalsDoNotEndSentences() {
        let text = "Dr. Smith paid 3.5 dollars, e.g. for tea. Then he left! Did he? " + sentences(20)
        let chunks = TextChunker(targetTokens: 16, overlapTokens: 0).chunks(of: ExtractedDocument(title: "T", plainText: text))
        #expect(chunks[0].text.hasPrefix("Dr. Smith paid 3.5 dollars, e.g. for tea."))
    }

    @Test func wholeDocumentChunkerKeepsEverything() {
        let text = sentences(400)
        let chunks = TextChunker.wholeDocuments.chunks(of: ExtractedDocument(title: "T", plainText: text))
        #expect(chunks.count == 1)
        #expect(chunks[0].text == text)
    }
}

@Suite("Text extraction")
struct ExtractionTests {
    @Test func htmlKeepsReadableTextUnderHeadings() {
        let html = """
        <!DOCTYPE html><html><head><title>Acme &amp; Co — Pricing</title><style>p { color: red }</style>
        <script>var x = "<p>not text</p>";</script></head>
        <body><nav><a href="/home">Home</a></nav>
        <h1>Pricing</h1><p>Our plans start at&nbsp;<b>€10</b>.</p><!-- hidden -->
        <h2>Enterprise</h2><p>Call us.</p><ul><li>SSO</li><li>Audit log</li></ul>
        <a href="https://acme.test/contact?x=1&amp;y=2">Contact</a>
        <footer>© 2026</footer></body></html>
        """
        let document = HTMLTextExtractor().extract(html, fallbackTitle: "page")
        #expect(document.title == "Acme & Co — Pricing")
        #expect(document.sections.count == 2)
        #expect(document.sections[0].headingPath == ["Pricing"])
        #expect(document.sections[0].paragraphs == ["Our plans start at €10."])
        #expect(document.sections[1].headingPath == ["Pricing", "Enterprise"])
        #expect(document.sections[1].paragraphs == ["Call us.", "SSO", "Audit log", "Contact"])
        #expect(document.links == ["/home", "https://acme.test/contact?x=1&y=2"])
        #expect(!document.fullText.contains("not text"))
        #expect(!document.fullText.contains("color"))
        #expect(!document.fullText.contains("2026"))
    }

    @Test func htmlWithMainKeepsOnlyMainAndSurvivesBrokenMarkup() {
        let html = "<div>Sidebar junk</div><main><p>Real <i>content</i></p></main><p>after"
        #expect(HTMLTextExtractor().extract(html, fallbackTitle: "x").fullText == "Real content")
        let broken = "<p>Unclosed <b attr=\"a>b\">bold <p>next < 3 and 5 > 4"
        let document = HTMLTextExtractor().extract(broken, fallbackTitle: "fallback")
        #expect(document.title == "fallback")
        #expect(document.fullText == "Unclosed bold\n\nnext < 3 and 5 > 4")
    }

    @Test func markdownBecomesSectionsWithPlainText() {
        let markdown = """
        # Widget Guide
        Intro with a [link](https://example.test/a "t") and **bold** `code`.

        ## Install
        - Step one
        - Step two

        ```
        npm install nothing
        ```
        ### Notes
        > quoted text
        """
        let document = MarkdownExtractor().extract(markdown, fallbackTitle: "file.md")
        #expect(document.title == "Widget Guide")
        #expect(document.sections[0].headingPath == ["Widget Guide"])
        #expect(document.sections[0].paragraphs == ["Intro with a link and bold code."])
        #expect(document.sections[1].headingPath == ["Widget Guide", "Install"])
        #expect(document.sections[1].paragraphs == ["Step one", "Step two", "npm install nothing"])
        #expect(document.sections[2].headingPath == ["Widget Guide", "Install", "Notes"])
        #expect(document.sections[2].paragraphs == ["quoted text"])
        #expect(document.links == ["https://example.test/a"])
    }

    @Test func faqFromCSVWithQuotingAndFromJSON() throws {
        let csv = "question,answer\n\"Do you ship, abroad?\",\"Yes, to \"\"most\"\" countries.\nNot Mars.\"\nEmpty,\n"
        let entries = try FAQParser.parse(Data(csv.utf8))
        #expect(entries == [FAQEntry(question: "Do you ship, abroad?", answer: "Yes, to \"most\" countries.\nNot Mars.")])
        let json = #"{"faqs": [{"q": "Price?", "a": "Ten euros."}, {"question": "Hours?", "answer": "9-5"}]}"#
        let fromJSON = try FAQParser.parse(Data(json.utf8))
        #expect(fromJSON.map(\.question) == ["Price?", "Hours?"])
        let document = FAQParser.document(fromJSON, title: "FAQ")
        #expect(document.sections[1].headingPath == ["Hours?"])
        #expect(document.sections[1].paragraphs == ["Hours?", "9-5"])
    }

    @Test func malformedFAQsAreClearErrors() {
        for bad in ["[{\"question\": 1}]", "{not json", "title,body\nx,y", "question,answer\nOnly,", "\u{FF}"] {
            #expect(throws: FAQFormatError.self) { try FAQParser.parse(Data(bad.utf8)) }
        }
        #expect(throws: FAQFormatError.self) { try FAQParser.parse(Data([0xFF, 0xFE, 0x00])) }
    }
}
