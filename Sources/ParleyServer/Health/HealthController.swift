import Fluent
import ParleyCore
import ParleyStore
import Vapor

/// `GET /health`: whether the database answers, and which model, retriever and embedder are active.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    struct HealthResponse: Content {
        var status: String
        var database: Component
        var llm: LLMInfo
        var retriever: String
        var embedder: String
        var activeStreams: Int

        struct Component: Content {
            var kind: String
            var reachable: Bool
        }

        struct LLMInfo: Content {
            var provider: String
            var model: String
        }

        enum CodingKeys: String, CodingKey {
            case status, database, llm, retriever, embedder
            case activeStreams = "active_streams"
        }
    }

    func health(_ request: Request) async throws -> Response {
        let services = request.application.parley
        let reachable = await DatabaseHealth.isReachable(request.db(.parley))
        let model = services.model.effectiveModel(requested: services.config.llm.model)
        let body = HealthResponse(
            status: reachable ? "ok" : "degraded",
            database: .init(kind: services.databaseKind.rawValue, reachable: reachable),
            llm: .init(provider: services.model.provider, model: model),
            retriever: services.retriever.name,
            embedder: services.embedder.map { "\($0.model)" } ?? "none",
            activeStreams: await services.streams.count)
        let response = Response(status: reachable ? .ok : .serviceUnavailable)
        try response.content.encode(body, as: .json)
        return response
    }
}
