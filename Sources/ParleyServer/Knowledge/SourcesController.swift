import Fluent
import Foundation
import NIOHTTP1
import ParleyCore
import ParleyIngest
import Vapor

/// The knowledge-source API, for a tenant's servers and operators (tenant API key required,
/// in every tenancy mode): `POST /api/v1/sources` (202, indexed in the background; `?wait=true`
/// answers when done), `GET /api/v1/sources`, `GET /api/v1/sources/{id}`, `GET …/{id}/chunks`,
/// `POST …/{id}/reingest` (web sources: crawl again, 202), `DELETE /api/v1/sources/{id}`.
/// The admin API serves the same handlers under `/api/v1/admin/tenants/{slug}/sources` for a
/// signed-in person: viewers read, operators add and delete.
struct SourcesController: RouteCollection {
    let maxUploadBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        let byKey = routes.grouped("api", "v1", "sources").grouped(CallerMiddleware(credential: .apiKey))
        register(reading: byKey, changing: byKey)
        let admin = routes.grouped("api", "v1", "admin", "tenants", ":slug", "sources").grouped(AdminCallerMiddleware())
        register(reading: admin.grouped(AdminTenantMiddleware(needs: .viewer)), changing: admin.grouped(AdminTenantMiddleware(needs: .operator)))
    }

    private func register(reading: any RoutesBuilder, changing: any RoutesBuilder) {
        // Multipart framing adds a little to the file itself.
        changing.on(.POST, body: .collect(maxSize: ByteCount(value: maxUploadBytes + 64 * 1024)), use: create)
        reading.get(use: list)
        reading.get(":id", use: show)
        reading.get(":id", "chunks", use: chunks)
        changing.post(":id", "reingest", use: reingest)
        changing.delete(":id", use: delete)
    }

    func create(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let parser = SourceRequestParser(maxBytes: maxUploadBytes) { code in try await context.agentExists(code: code) }
        let input = try await parser.parse(request)
        let sources = context.sources
        let submitted = try await sources.submit(input)
        if let wait = request.query[String.self, at: "wait"], ["true", "1", "yes"].contains(wait.lowercased()) {
            // The job runs on a worker (this process's or another's); a crawl may take its whole deadline.
            let ingest = context.services.config.ingest
            let timeout = Duration.seconds(ingest.crawlTimeoutSeconds + ingest.fetchTimeoutSeconds + 30)
            let source = try await sources.waitForIngestion(submitted, timeout: timeout)
            // Any process's worker may have run the job: bring this process's indexes up to date
            // now, so the answer means "searchable through this server".
            try await context.services.indexFollower(on: request.db(.parley)).catchUp()
            let status: HTTPResponseStatus = switch source.status {
            case .pending: .accepted
            case .indexed where submitted.isNew: .created
            default: .ok
            }
            return try await encode(SourceResponse(source), status: status, for: request)
        }
        return try await encode(SourceResponse(submitted.source), status: .accepted, for: request)
    }

    func list(_ request: Request) async throws -> SourceListResponse {
        let sources = try await request.tenantContext.sources.list()
        return SourceListResponse(sources: sources.map(SourceResponse.init))
    }

    func show(_ request: Request) async throws -> SourceResponse {
        guard let source = try await request.tenantContext.sources.source(try sourceID(request)) else { throw Self.unknownSource }
        return SourceResponse(source)
    }

    func chunks(_ request: Request) async throws -> ChunkListResponse {
        guard let chunks = try await request.tenantContext.sources.chunks(of: try sourceID(request)) else { throw Self.unknownSource }
        return ChunkListResponse(chunks: chunks.map(ChunkResponse.init))
    }

    func reingest(_ request: Request) async throws -> Response {
        guard let submitted = try await request.tenantContext.sources.reingest(try sourceID(request)) else { throw Self.unknownSource }
        return try await encode(SourceResponse(submitted.source), status: .accepted, for: request)
    }

    func delete(_ request: Request) async throws -> Response {
        guard try await request.tenantContext.sources.delete(try sourceID(request)) else { throw Self.unknownSource }
        return Response(status: .noContent)
    }

    static let unknownSource = ParleyError.notFound("unknown_source", "There is no such source.")

    private func sourceID(_ request: Request) throws -> SourceID {
        guard let text = request.parameters.get("id"), text.count <= 64, let id = SourceID(string: text) else { throw Self.unknownSource }
        return id
    }

    private func encode(_ body: SourceResponse, status: HTTPResponseStatus, for request: Request) async throws -> Response {
        let response = try await body.encodeResponse(for: request)
        response.status = status
        return response
    }
}

/// The tenant named by `Authorization: Bearer <API key>`: the only credential for the API,
/// whatever the tenancy mode (a page's public widget key never is).
enum APIKeyAuthenticator {
    static func tenant(_ request: Request, tenants: any TenantDirectory) async throws -> Tenant {
        guard let token = request.headers.bearerAuthorization?.token else {
            throw ParleyError(code: "missing_api_key", message: "Send the tenant's API key as Authorization: Bearer <key>.", kind: .unauthenticated)
        }
        guard token.count <= 256, let tenant = try await tenants.tenant(apiKeyHash: KeyMaterial.hash(token)), tenant.isActive else {
            throw ParleyError(code: "invalid_api_key", message: "The API key is not valid.", kind: .unauthenticated)
        }
        return tenant
    }
}
