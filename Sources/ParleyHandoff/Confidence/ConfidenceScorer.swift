import Foundation
import ParleyCore
import ParleyRetrieval

/// Scores a finished answer (seed 004): 0.4 retrieval similarity + 0.3 source coverage + 0.3
/// answer coherence, each in [0, 1].
///
/// - Retrieval similarity is the best passage's dense cosine (or, without embeddings, its BM25
///   share of the question's attainable score), mapped through a logistic curve
///   (`SimilarityCalibration`) so that it reads as "how likely the knowledge base holds the
///   answer" whatever the retrieval mode.
/// - Source coverage is the share of the answer's sentences whose content words are mostly found
///   in the passages it cites (`[n]`; all passages when it cites none).
/// - Answer coherence is the share of the question's content words the answer takes up: the
///   offline answerer picks its sentences by exactly these words, so for it this is its own
///   selection's fit. For a model's answer it is a lexical stand-in until the model's self-check.
public struct ConfidenceScorer: AnswerConfidenceScoring {
    public var calibration: SimilarityCalibration
    /// A sentence counts as supported when at least this share of its content words is in the cited passages.
    public var supportShare: Double
    private let analyzer = Analyzer(stem: PorterStemmer.stem)
    /// Shared by copies of this scorer: keep one scorer for the process, not one per turn.
    private let passageTerms = PassageTermsCache()
    /// Shared by copies too: the answers' sentences, which the offline answerer repeats.
    private let answerSentenceTerms = SentenceTermsCache()
    /// The question's side also drops the words that make it a question ("how long", "can you"),
    /// which an answer has no reason to repeat.
    private let questionAnalyzer = Analyzer(stopWords: Analyzer.luceneEnglishStopWords.union(Self.questionWords), stem: PorterStemmer.stem)

    static let questionWords: Set<String> = [
        "how", "what", "when", "where", "which", "who", "whom", "whose", "why", "long", "much", "many", "can", "could", "would",
        "should", "do", "does", "did", "i", "me", "my", "you", "your", "we", "our", "us", "please", "tell", "know", "there", "any",
    ]

    public init(calibration: SimilarityCalibration = SimilarityCalibration(), supportShare: Double = 0.6) {
        self.calibration = calibration
        self.supportShare = supportShare
    }

    /// The answer is analysed once, sentence by sentence: coverage reads the sentences, coherence
    /// their union (a word never spans two sentences, which end at white space or a CJK stop).
    public func confidence(question: String, answer: String, passages: [SourcePassage]) -> AnswerConfidence {
        let sentences = sentenceTerms(of: answer)
        return AnswerConfidence(retrievalSimilarity: calibration.similarity(of: passages),
                                sourceCoverage: coverage(sentenceTerms: sentences, citing: Self.citedNumbers(in: answer), passages: passages),
                                answerCoherence: coherence(answerTerms: sentences.reduce(into: Set<String>()) { $0.formUnion($1) }, question: question))
    }

    public func retrievalSimilarity(of passages: [SourcePassage]) -> Double {
        calibration.similarity(of: passages)
    }

    /// Each sentence's content words, the answer's citation markers taken out.
    func sentenceTerms(of answer: String) -> [Set<String>] {
        SentenceSplitter.sentences(Self.withoutMarkers(answer)).map { sentence in
            answerSentenceTerms.terms(of: sentence) { Set(analyzer.terms($0)) }
        }
    }

    /// The share of the answer's sentences (those with two content words or more) that the cited passages support.
    func coverage(of answer: String, passages: [SourcePassage]) -> Double {
        coverage(sentenceTerms: sentenceTerms(of: answer), citing: Self.citedNumbers(in: answer), passages: passages)
    }

    private func coverage(sentenceTerms: [Set<String>], citing numbers: [Int], passages: [SourcePassage]) -> Double {
        let cited = numbers.compactMap { passages.indices.contains($0 - 1) ? passages[$0 - 1] : nil }
        let evidence = (cited.isEmpty ? passages : cited).reduce(into: Set<String>()) { $0.formUnion(passageTerms.terms(of: $1, analyzer: analyzer)) }
        guard !evidence.isEmpty else { return 0 }
        var counted = 0
        var supported = 0
        for terms in sentenceTerms where terms.count >= 2 {
            counted += 1
            if Double(terms.intersection(evidence).count) >= supportShare * Double(terms.count) { supported += 1 }
        }
        return counted == 0 ? 0 : Double(supported) / Double(counted)
    }

    /// The share of the question's content words that the answer takes up (1 for a question without any).
    func coherence(of answer: String, question: String) -> Double {
        coherence(answerTerms: Set(analyzer.terms(Self.withoutMarkers(answer))), question: question)
    }

    private func coherence(answerTerms: Set<String>, question: String) -> Double {
        let asked = Set(questionAnalyzer.terms(question))
        guard !asked.isEmpty else { return 1 }
        return Double(asked.intersection(answerTerms).count) / Double(asked.count)
    }

    /// The numbers of the `[n]` citation markers in a text, in order of first appearance.
    static func citedNumbers(in text: String) -> [Int] {
        var numbers: [Int] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let inside = rest[rest.index(after: open) ..< close]
            if inside.count <= 3, let number = Int(inside), !numbers.contains(number) { numbers.append(number) }
            rest = rest[rest.index(after: close)...]
        }
        return numbers
    }

    /// The text without its `[n]` citation markers (one to three ASCII digits), in one pass over
    /// its bytes: every turn scores its answer, and a regular expression costs more than the rest.
    static func withoutMarkers(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "[") {
                var end = i + 1
                while end < bytes.count, end - i <= 3, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
                if end > i + 1, end - i <= 4, end < bytes.count, bytes[end] == UInt8(ascii: "]") {
                    i = end + 1
                    continue
                }
            }
            kept.append(bytes[i])
            i += 1
        }
        return String(decoding: kept, as: UTF8.self)
    }
}
