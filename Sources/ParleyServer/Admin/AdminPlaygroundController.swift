import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyRetrieval
import Vapor

/// The retrieval playground: `POST /api/v1/admin/tenants/{slug}/playground` (viewer)
/// `{"question", "agent"?}` ranks the tenant's knowledge base for a question exactly as the
/// agent's next chat turn would (its mode, `top_k` and minimum score), and shows each passage's
/// place and score in the lexical and the dense ranking beside the score it was ranked by.
/// Nothing is written and no model is called.
struct AdminPlaygroundController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin", "tenants", ":slug", "playground")
            .grouped(AdminCallerMiddleware(), AdminTenantMiddleware(needs: .viewer))
            .on(.POST, body: .collect(maxSize: ByteCount(value: 16_384)), use: rank)
    }

    struct Body: Decodable {
        var question: String
        var agent: String?
    }

    struct Place: Content {
        var rank: Int
        var score: Double
    }

    struct Passage: Content {
        var rank: Int
        var chunkID: String
        var sourceID: String
        var title: String
        var url: String?
        var headingPath: [String]
        var text: String
        var score: Double
        var lexical: Place?
        var dense: Place?

        enum CodingKeys: String, CodingKey {
            case rank, title, url, text, score, lexical, dense
            case chunkID = "chunk_id", sourceID = "source_id", headingPath = "heading_path"
        }
    }

    struct Ranking: Content {
        var agent: String
        var mode: String
        var topK: Int
        var minScore: Double
        var lexicalCandidates: Int
        var denseCandidates: Int
        var tookMs: Double
        var passages: [Passage]

        enum CodingKeys: String, CodingKey {
            case agent, mode, passages
            case topK = "top_k", minScore = "min_score", lexicalCandidates = "lexical_candidates",
                 denseCandidates = "dense_candidates", tookMs = "took_ms"
        }
    }

    func rank(_ request: Request) async throws -> Ranking {
        let body = try AdminTenantsController.decode(Body.self, request, shape: #"{"question", "agent"?}"#)
        return try await Self.ranking(try request.tenantContext, question: body.question, agent: body.agent)
    }

    /// The ranking for one question (the panel's playground shows the same).
    static func ranking(_ context: TenantContext, question asked: String, agent code: String?) async throws -> Ranking {
        let question = asked.trimmingCharacters(in: .whitespacesAndNewlines)
        let limit = context.services.config.chat.maxMessageChars
        guard !question.isEmpty, question.count <= limit else {
            throw ParleyError.badRequest("invalid_question", "A question is 1 to \(limit) characters, like a visitor's message.")
        }
        let agent = try await context.agent(code: try await agentCode(code, context: context))
        let started = ContinuousClock.now
        let explanation = try await context.services.knowledge.explain(RetrievalQuery(
            tenantID: context.tenant.id, agentCode: agent.code, text: question, topK: agent.retrievalTopK,
            mode: agent.retrievalMode, minScore: agent.retrievalMinScore))
        let took = ContinuousClock.now - started
        return Ranking(
            agent: agent.code, mode: explanation.mode.rawValue, topK: agent.retrievalTopK, minScore: agent.retrievalMinScore,
            lexicalCandidates: explanation.lexicalCandidates, denseCandidates: explanation.denseCandidates,
            tookMs: Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000,
            passages: explanation.passages.enumerated().map { index, passage in
                Passage(rank: index + 1, chunkID: passage.chunk.id.description, sourceID: passage.chunk.sourceID.description,
                        title: passage.chunk.title, url: passage.chunk.url, headingPath: passage.chunk.headingPath, text: passage.chunk.text,
                        score: passage.score, lexical: passage.lexical.map { Place(rank: $0.rank, score: $0.score) },
                        dense: passage.dense.map { Place(rank: $0.rank, score: $0.score) })
            })
    }

    /// The agent asked for, or the tenant's first enabled one.
    private static func agentCode(_ asked: String?, context: TenantContext) async throws -> String {
        if let asked { return asked }
        guard let first = try await context.agentDesk.list().first(where: { $0.settings.isEnabled }) else { throw ParleyError.unknownAgent }
        return first.definition.code
    }
}
