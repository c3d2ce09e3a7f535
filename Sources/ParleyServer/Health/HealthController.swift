import Fluent
import ParleyCore
import ParleyStore
import Vapor

/// `GET /health`: `{"status": "ok" | "degraded"}` (503 when degraded) for anyone, such as a load
/// balancer; with a tenant's API key, also the database, model, retriever, embedder and active
/// streams. Which model and stores a server runs is no business of an anonymous caller.
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
            var answerer: String
            var provider: String
            var model: String
            var reason: String
        }

        enum CodingKeys: String, CodingKey {
            case status, database, llm, retriever, embedder
            case activeStreams = "active_streams"
        }
    }

    struct PublicHealth: Content {
        var status: String
    }

    func health(_ request: Request) async throws -> Response {
        let services = request.application.parley
        let reachable = await DatabaseHealth.isReachable(request.db(.parley))
        let status: HTTPResponseStatus = reachable ? .ok : .serviceUnavailable
        guard request.headers.bearerAuthorization != nil,
              (try? await APIKeyAuthenticator.tenant(request, tenants: FluentTenantDirectory(database: request.db(.parley)))) != nil else {
            let response = Response(status: status)
            try response.content.encode(PublicHealth(status: reachable ? "ok" : "degraded"), as: .json)
            return response
        }
        let model = services.model.effectiveModel(requested: services.config.llm.model)
        let body = HealthResponse(
            status: reachable ? "ok" : "degraded",
            database: .init(kind: services.databaseKind.rawValue, reachable: reachable),
            llm: .init(answerer: services.answerer.kind.rawValue, provider: services.model.provider, model: model,
                       reason: services.answerer.reason),
            retriever: services.retriever.name,
            embedder: services.embedder.map { "\($0.model)" } ?? "none",
            activeStreams: await services.streams.count)
        let response = Response(status: status)
        try response.content.encode(body, as: .json)
        return response
    }
}
