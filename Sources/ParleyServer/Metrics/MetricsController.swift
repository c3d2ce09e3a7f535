import Fluent
import Foundation
import Metrics
import ParleyCore
import ParleyJobs
import Prometheus
import Vapor

/// `GET /metrics`: every metric in the Prometheus text format, for a scraper that sends
/// `Authorization: Bearer <PARLEY_METRICS_TOKEN>`. Without that secret set the address does not
/// exist (404), so metrics are never public by accident. Gauges that describe state (active
/// streams, the job queue) are read at scrape time.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: scrape)
    }

    func scrape(_ request: Request) async throws -> Response {
        let services = request.application.parley
        guard let token = services.secrets.metricsToken else { throw Abort(.notFound) }
        guard let sent = request.headers.bearerAuthorization?.token, ConstantTime.equal(sent, token) else {
            throw ParleyError(code: "invalid_metrics_token", message: "Send the metrics token as Authorization: Bearer <token>.", kind: .unauthenticated)
        }
        Gauge(label: "parley_active_streams").record(await services.streams.count)
        if let counts = try? await services.jobs.store.counts() {
            for status in JobState.allCases {
                Gauge(label: "parley_jobs", dimensions: [("status", status.rawValue)]).record(counts[status] ?? 0)
            }
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: PrometheusExport.registry.emitToString()))
    }
}
