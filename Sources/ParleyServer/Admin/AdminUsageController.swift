import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// `GET /api/v1/admin/tenants/{slug}/usage/daily?from=&to=&format=json|csv` (viewer): LLM calls,
/// tokens and cost by UTC day, agent and model, from `from` (default: the month's first day)
/// up to and including `to` (default: today), at most 400 days; CSV for a spreadsheet.
struct AdminUsageController: RouteCollection {
    static let maxDays = 400

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin", "tenants", ":slug", "usage").grouped(AdminCallerMiddleware()).get("daily", use: daily)
    }

    struct Row: Content {
        var day: String
        var agent: String
        var model: String
        var calls: Int
        var failedCalls: Int
        var promptTokens: Int
        var completionTokens: Int
        var cost: Double

        enum CodingKeys: String, CodingKey {
            case day, agent, model, calls, cost
            case failedCalls = "failed_calls", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    struct Report: Content {
        var from: String
        var to: String
        var rows: [Row]
        var totalCost: Double

        enum CodingKeys: String, CodingKey {
            case from, to, rows
            case totalCost = "total_cost"
        }
    }

    func daily(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .viewer)
        let (from, lastDay, to) = try Self.range(request)
        let usage = try await SQLUsageReport(database: request.db(.parley)).daily(tenant: tenant.id, from: from, to: to)
        let rows = usage.map { Row(day: $0.day, agent: $0.agent, model: $0.model, calls: $0.calls, failedCalls: $0.failedCalls,
                                   promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, cost: $0.cost) }
        let (fromText, toText) = (Self.dayText(from), Self.dayText(lastDay))
        switch request.query[String.self, at: "format"] ?? "json" {
        case "json":
            return try await Report(from: fromText, to: toText, rows: rows, totalCost: rows.map(\.cost).reduce(0, +)).encodeResponse(for: request)
        case "csv":
            let table = CSVTable(header: ["day", "agent", "model", "calls", "failed_calls", "prompt_tokens", "completion_tokens", "cost"],
                                 rows: rows.map { [$0.day, $0.agent, $0.model, "\($0.calls)", "\($0.failedCalls)", "\($0.promptTokens)",
                                                   "\($0.completionTokens)", String(format: "%.6f", $0.cost)] })
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"usage-\(tenant.slug)-\(fromText)-\(toText).csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: table.text))
        default:
            throw ParleyError.badRequest("invalid_format", "format must be json or csv.")
        }
    }

    /// The report's days from `?from=&to=` (default: this month to today): the first day's start,
    /// the last day, and the end of the last day; at most `maxDays` days.
    static func range(_ request: Request) throws -> (start: Date, lastDay: Date, end: Date) {
        let from = try AdminConversationsController.date(request, "from") ?? CostBudget.monthStart(of: Date())
        let lastDay = try AdminConversationsController.date(request, "to") ?? Date()
        let start = dayStart(from), end = dayStart(lastDay).addingTimeInterval(86_400)
        guard start < end, end.timeIntervalSince(start) <= Double(maxDays) * 86_400 else {
            throw ParleyError.badRequest("invalid_range", "from must come before to, at most \(maxDays) days apart.")
        }
        return (start, lastDay, end)
    }

    static func dayStart(_ instant: Date) -> Date {
        let seconds = instant.timeIntervalSince1970
        return Date(timeIntervalSince1970: seconds - seconds.truncatingRemainder(dividingBy: 86_400))
    }

    static func dayText(_ instant: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: instant)
    }
}
