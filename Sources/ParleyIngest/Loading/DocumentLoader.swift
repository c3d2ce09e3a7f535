import Foundation
import ParleyCore
import ParleyRetrieval

/// Turns a `SourceInput` into readable documents: extraction by kind, and a crawl for URLs.
public struct DocumentLoader: Sendable {
    public let maxBytes: Int
    private let crawler: WebCrawler?
    private let pdf: PDFTextExtractor

    /// `crawler` is nil where fetching URLs is not allowed (then `url` sources fail with a reason).
    public init(maxBytes: Int, crawler: WebCrawler?, pdf: PDFTextExtractor = PDFTextExtractor()) {
        self.maxBytes = maxBytes
        self.crawler = crawler
        self.pdf = pdf
    }

    /// `crawlBudget` bounds the pages a URL's crawl may fetch (the tenant's daily quota).
    public func load(_ input: SourceInput, crawlBudget: CrawlPageBudget? = nil) async throws -> [LoadedPage] {
        // A FAQ file's name ("faq.csv") makes a poor citation title.
        let fallbackTitle = input.title ?? (input.kind == .faq ? "Frequently asked questions" : nil)
            ?? input.locator.map { ($0 as NSString).lastPathComponent } ?? "Untitled"
        let pages: [LoadedPage]
        switch input.payload {
        case let .web(url):
            guard let crawler else { throw IngestionFailure("fetching URLs is not available here") }
            pages = try await crawler.crawl(url, budget: crawlBudget)
        case let .text(text):
            try checkSize(text.utf8.count)
            pages = [try extract(Data(text.utf8), kind: input.kind, title: fallbackTitle, url: input.kind == .url ? input.locator : nil)]
        case let .file(data):
            try checkSize(data.count)
            pages = [try await extractFile(data, kind: input.kind, title: fallbackTitle)]
        }
        let readable = pages.filter { !$0.document.isEmpty }
        guard !readable.isEmpty else { throw IngestionFailure("no readable text was found") }
        // An explicit title names the source; pages of a crawl keep their own titles.
        if let title = input.title, readable.count == 1 { return [LoadedPage(title: title, url: readable[0].url, document: readable[0].document)] }
        return readable
    }

    private func checkSize(_ bytes: Int) throws {
        guard bytes <= maxBytes else { throw IngestionFailure("the source is \(bytes) bytes; the limit is \(maxBytes) bytes (ingest.max_upload_bytes)") }
    }

    private func extractFile(_ data: Data, kind: SourceKind, title: String) async throws -> LoadedPage {
        guard kind == .pdf else { return try extract(data, kind: kind, title: title, url: nil) }
        let text = try await pdf.text(of: data)
        let document = ExtractedDocument(title: title, sections: text.pages.enumerated().map { index, page in
            .init(headingPath: text.pages.count > 1 ? ["Page \(index + 1)"] : [], paragraphs: ExtractedDocument(title: title, plainText: page).sections.first?.paragraphs ?? [])
        })
        return LoadedPage(title: text.title ?? title, url: nil, document: document)
    }

    private func extract(_ data: Data, kind: SourceKind, title: String, url: String?) throws -> LoadedPage {
        guard let text = String(data: data, encoding: .utf8) else { throw IngestionFailure("the \(kind.rawValue) source is not UTF-8 text") }
        switch kind {
        case .faq:
            do {
                return LoadedPage(title: title, url: url, document: FAQParser.document(try FAQParser.parse(data), title: title))
            } catch let error as FAQFormatError {
                throw IngestionFailure(error.description)
            }
        case .markdown:
            let document = MarkdownExtractor().extract(text, fallbackTitle: title)
            return LoadedPage(title: document.title, url: url, document: document)
        case .html, .url:
            let document = HTMLTextExtractor().extract(text, fallbackTitle: title)
            return LoadedPage(title: document.title, url: url, document: document)
        case .text:
            return LoadedPage(title: title, url: url, document: ExtractedDocument(title: title, plainText: text))
        case .pdf:
            throw IngestionFailure("a PDF must be uploaded as a file")
        }
    }
}
