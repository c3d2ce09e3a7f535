import Foundation
import ParleyCore

/// What writes a conversation's summary: a model, or rules alone.
public protocol ConversationSummarizer: Sendable {
    /// `extractive`, or `llm:<model>`.
    var method: String { get }
    func summarize(_ lines: [TranscriptLine], lead: LeadProfile?, context: LLMCallContext) async throws -> String
}

/// A summary without a model, in the conversation's own words: who the visitor is (the lead),
/// what they need (their sentences that say so, else their first message), the questions they
/// asked, and the sources the answers drew on. Linear in the transcript; every part bounded.
public struct ExtractiveSummarizer: ConversationSummarizer {
    public var method: String { "extractive" }
    static let maxQuestions = 8
    static let maxSentence = 240

    public init() {}

    public func summarize(_ lines: [TranscriptLine], lead: LeadProfile?, context: LLMCallContext) async throws -> String {
        summary(of: lines, lead: lead)
    }

    public func summary(of lines: [TranscriptLine], lead: LeadProfile?) -> String {
        let visitor = lines.filter { $0.role == .human }
        let sentences = visitor.flatMap { Self.sentences(in: $0.text) }
        var parts: [String] = []
        if let lead, let who = Self.describe(lead) { parts.append("Visitor: \(who)") }
        if let interests = lead?.interests, !interests.isEmpty {
            parts.append("Interested in: \(interests.map(\.value).joined(separator: ", ")).")
        }
        let needs = sentences.filter(Self.statesNeed)
        if let first = needs.first ?? visitor.first.map({ Self.shortened($0.text) }) {
            parts.append("Needs: " + ([first] + needs.dropFirst().prefix(2)).joined(separator: " "))
        }
        var seenQuestions = Set<String>()
        let questions = sentences.filter { Self.isQuestion($0) && seenQuestions.insert($0.lowercased()).inserted }
        if !questions.isEmpty {
            parts.append("Questions asked:\n" + questions.prefix(Self.maxQuestions).map { "- \($0)" }.joined(separator: "\n"))
        }
        var seenSources = Set<String>()
        let sources = lines.flatMap(\.sources).map(\.title).filter { seenSources.insert($0).inserted }
        if !sources.isEmpty { parts.append("Answers drew on: \(sources.prefix(10).joined(separator: "; ")).") }
        let answers = lines.count { $0.role == .assistant }
        parts.append("\(visitor.count) visitor message\(visitor.count == 1 ? "" : "s"), \(answers) answer\(answers == 1 ? "" : "s").")
        return parts.joined(separator: "\n\n")
    }

    static func describe(_ lead: LeadProfile) -> String? {
        let parts = [LeadProfile.Key.name, .email, .phone, .company].compactMap { lead.fields[$0]?.value }
        return parts.isEmpty ? nil : parts.joined(separator: ", ") + " (stage: \(lead.stage.rawValue))"
    }

    /// Sentences of a message: split after `.`, `!` or `?` followed by white space, and at line breaks.
    static func sentences(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previous: Character = " "
        for character in text {
            if character.isNewline || (character.isWhitespace && ".!?".contains(previous)) {
                let sentence = current.trimmingCharacters(in: .whitespaces)
                if !sentence.isEmpty { result.append(shortened(sentence)) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { result.append(shortened(last)) }
        return result
    }

    static func shortened(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > maxSentence ? String(flat.prefix(maxSentence)) + "…" : flat
    }

    static func isQuestion(_ sentence: String) -> Bool {
        if sentence.hasSuffix("?") || sentence.hasSuffix("?…") { return true }
        let first = sentence.prefix(while: { $0.isLetter }).lowercased()
        return questionWords.contains(first)
    }

    static func statesNeed(_ sentence: String) -> Bool {
        let lowered = sentence.lowercased()
        return needCues.contains { lowered.contains($0) }
    }

    /// Question openers in the widget's five languages (en, de, fr, nl, es).
    static let questionWords: Set<String> = [
        "what", "how", "when", "where", "which", "who", "why", "can", "could", "do", "does", "is", "are", "will", "would",
        "was", "wie", "wann", "wo", "welche", "welcher", "warum", "kann", "können", "gibt", "quoi", "comment", "quand", "où",
        "quel", "quelle", "pourquoi", "est-ce", "wat", "hoe", "wanneer", "waar", "welke", "waarom", "kunnen", "kan", "qué",
        "cómo", "cuándo", "dónde", "cuál", "cuánto", "puedo", "pueden",
    ]

    static let needCues = [
        "i need", "we need", "looking for", "i want", "we want", "interested in", "budget", "quote", "call me", "call back",
        "ich brauche", "wir brauchen", "suche", "interessiere", "angebot", "j'ai besoin", "nous avons besoin", "je cherche",
        "intéressé", "devis", "ik zoek", "wij zoeken", "nodig", "offerte", "necesito", "necesitamos", "busco", "presupuesto",
    ]
}
