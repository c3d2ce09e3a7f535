import Foundation
import Logging
import ParleyAccounts
import ParleyCore
import Vapor

/// What the platform's operators read about the running server (platform administrators only:
/// both describe the whole installation, not one tenant):
/// `GET /api/v1/admin/config` the settings in effect as YAML plus each secret as set or unset;
/// `GET /api/v1/admin/config.yaml` the same YAML as a download;
/// `GET /api/v1/admin/logs?level=&q=&limit=` the newest lines of the JSON log, newest first.
struct AdminOperationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "v1", "admin").grouped(AdminCallerMiddleware())
        admin.get("config", use: configuration)
        admin.get("config.yaml", use: configurationFile)
        admin.get("logs", use: logs)
    }

    struct SecretResponse: Content {
        var name: String
        var set: Bool
    }

    struct ConfigurationResponse: Content {
        var yaml: String
        var secrets: [SecretResponse]
    }

    struct LogResponse: Content {
        var path: String
        var lines: [JSONValue]
    }

    func configuration(_ request: Request) async throws -> ConfigurationResponse {
        let view = try view(request)
        return ConfigurationResponse(yaml: try view.yaml(), secrets: view.secrets.map { SecretResponse(name: $0.name, set: $0.isSet) })
    }

    func configurationFile(_ request: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: try view(request).yaml()))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: #"attachment; filename="parley.yaml""#)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func logs(_ request: Request) async throws -> LogResponse {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let filter = try Self.filter(level: request.query[String.self, at: "level"], text: request.query[String.self, at: "q"],
                                     limit: request.query[String.self, at: "limit"])
        let path = request.application.parley.config.logging.path
        return LogResponse(path: path, lines: try await LogTail(path: path).lines(filter))
    }

    private func view(_ request: Request) throws -> ConfigurationView {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let services = request.application.parley
        return ConfigurationView(config: services.config, secrets: services.secrets)
    }

    static func filter(level: String?, text: String?, limit: String?) throws -> LogTail.Filter {
        var filter = LogTail.Filter()
        if let level, !level.isEmpty {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ParleyError.badRequest("invalid_level", "level is one of trace, debug, info, notice, warning, error, critical.")
            }
            filter.level = parsed
        }
        if let text, !text.isEmpty {
            guard text.count <= 200 else { throw ParleyError.badRequest("invalid_query", "q is at most 200 characters.") }
            filter.text = text
        }
        if let limit {
            guard let number = Int(limit), (1 ... LogTail.largestLimit).contains(number) else {
                throw ParleyError.badRequest("invalid_limit", "limit is 1 to \(LogTail.largestLimit).")
            }
            filter.limit = number
        }
        return filter
    }
}
