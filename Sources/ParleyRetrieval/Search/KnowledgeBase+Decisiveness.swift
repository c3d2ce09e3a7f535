import Foundation
import ParleyCore

extension KnowledgeBase {
    /// The margins of hybrid retrieval's two candidate lists for each of `questions` on the
    /// tenant's index (`DecisivenessWeight`): what its visitors' questions say about which
    /// retriever decides on this knowledge base. Each question is asked as its agent would ask it
    /// (that agent's sources included). Blank questions are skipped; each other one costs one
    /// query embedding and one BM25 search.
    public func decisiveness(of questions: [(text: String, agentCode: String)], tenant: TenantID) async throws -> [DecisivenessWeight.Margins] {
        var margins: [DecisivenessWeight.Margins] = []
        for question in questions where !question.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let candidates = try await hybridCandidates(RetrievalQuery(tenantID: tenant, agentCode: question.agentCode, text: question.text,
                                                                       topK: settings.candidates))
            margins.append(.init(lexical: candidates.lexical, dense: candidates.dense, lexicalCeiling: candidates.lexicalCeiling))
        }
        return margins
    }
}
