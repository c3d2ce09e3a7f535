import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyJobs
import ParleyStore
import Vapor

/// Usage and cost in the panel: `/admin/t/{slug}/usage?from=&to=` draws cost and calls per day
/// as SVG, totals by agent and model, a table of the days and a CSV download (the API's), and
/// (owners) sets the monthly budget: at 80% the owners get an e-mail (in the outbox) and the overview
/// warns, at 100% the chat answers with the offline answerer until the month ends.
struct PanelUsageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.get("usage", use: usage)
        tenant.on(.POST, "usage", "budget", body: .collect(maxSize: PanelRoutes.formBytes), use: saveBudget)
    }

    struct Total: Encodable {
        var name: String
        var calls: Int
        var tokens: Int
        var cost: String
    }

    struct Day: Encodable {
        var day: String
        var agent: String
        var model: String
        var calls: Int
        var failed: Int
        var promptTokens: Int
        var completionTokens: Int
        var cost: String
    }

    struct Usage: Encodable {
        var slug: String
        var from: String
        var to: String
        var costChart: String
        var callsChart: String
        var byAgent: [Total]
        var byModel: [Total]
        var days: [Day]
        var totalCost: String
        var spent: String
        var budget: String
        var budgetState: String
        var exhaustedMessage: String
        var canEdit: Bool
        var csv: String
        /// When this month's 80% e-mail to the owners was queued.
        var warned: String?
    }

    struct BudgetForm: Decodable {
        var monthly_cost: String?
        var exhausted_message: String?
    }

    func usage(_ request: Request) async throws -> Response {
        try await render(request, problem: nil, status: .ok)
    }

    private func render(_ request: Request, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let (start, lastDay, end) = try AdminUsageController.range(request)
        let database = request.db(.parley)
        let rows = try await SQLUsageReport(database: database).daily(tenant: tenant.id, from: start, to: end)
        var costByDay: [String: Double] = [:], callsByDay: [String: Double] = [:]
        for row in rows {
            costByDay[row.day, default: 0] += row.cost
            callsByDay[row.day, default: 0] += Double(row.calls)
        }
        let days = stride(from: start, to: end, by: 86_400).map(AdminUsageController.dayText)
        let costChart = UsageChart(title: "Cost per day", bars: days.map { .init(label: $0, value: costByDay[$0] ?? 0) }, format: PanelFormat.money)
        let callsChart = UsageChart(title: "Model calls per day", bars: days.map { .init(label: $0, value: callsByDay[$0] ?? 0) },
                                    format: { String(Int($0.rounded())) })
        let spending = try await request.monthSpending(tenant)
        let budget = spending.budget
        let (fromText, toText) = (AdminUsageController.dayText(start), AdminUsageController.dayText(lastDay))
        let warned = try await FluentEmailOutbox(database: database).recent(tenant: tenant.id, limit: 50)
            .last { $0.kind == BudgetWarnings.kind && $0.createdAt >= spending.month }.map { PanelFormat.time($0.createdAt) }
        let page = Usage(
            slug: tenant.slug, from: fromText, to: toText, costChart: costChart.svg, callsChart: callsChart.svg,
            byAgent: Self.totals(rows, by: \.agent), byModel: Self.totals(rows, by: \.model),
            days: rows.map { Day(day: $0.day, agent: $0.agent, model: $0.model, calls: $0.calls, failed: $0.failedCalls,
                                 promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, cost: PanelFormat.money($0.cost)) },
            totalCost: PanelFormat.money(rows.map(\.cost).reduce(0, +)), spent: PanelFormat.money(spending.spent),
            budget: budget.isSet ? String(format: "%.2f", budget.monthlyLimit) : "", budgetState: spending.state.rawValue,
            exhaustedMessage: budget.exhaustedMessage ?? "", canEdit: role.includes(.owner),
            csv: "/api/v1/admin/tenants/\(tenant.slug)/usage/daily?format=csv&from=\(fromText)&to=\(toText)", warned: warned)
        var chrome = try await request.panelChrome(title: "Usage", tenant: (tenant, role), section: "usage")
        chrome.problem = problem
        return try await request.panel("usage", chrome, page, status: status)
    }

    func saveBudget(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .owner)
        let form = try PanelForm.decode(BudgetForm.self, request)
        let text = (form.monthly_cost ?? "").trimmingCharacters(in: .whitespaces)
        let message = (form.exhausted_message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var assignments: [String] = [], removals: [String] = []
        // Empty or 0: no budget; anything else is checked by the settings editor, as everywhere.
        if text.isEmpty || Double(text) == 0 { removals.append(CostBudget.settingKey) } else { assignments.append("\(CostBudget.settingKey)=\(text)") }
        if message.isEmpty { removals.append(CostBudget.messageKey) } else { assignments.append("\(CostBudget.messageKey)=\(message)") }
        let provisioner = request.application.parley.provisioner(request.application.parley.stores(on: request.db(.parley)))
        do {
            _ = try await provisioner.editSettings(slug: tenant.slug, assignments: assignments, removals: removals)
        } catch let error as ParleyError where error.kind == .invalidInput {
            return try await render(request, problem: error.message, status: .badRequest)
        }
        request.logger.notice("budget changed", metadata: ["event": "budget_changed", "tenant": "\(tenant.slug)"])
        return request.redirect(to: "/admin/t/\(tenant.slug)/usage?done=budget_saved")
    }

    static func totals(_ rows: [DailyUsage], by key: KeyPath<DailyUsage, String>) -> [Total] {
        Dictionary(grouping: rows, by: { $0[keyPath: key] }).map { name, rows in
            Total(name: name, calls: rows.map(\.calls).reduce(0, +), tokens: rows.map { $0.promptTokens + $0.completionTokens }.reduce(0, +),
                  cost: PanelFormat.money(rows.map(\.cost).reduce(0, +)))
        }.sorted { $0.name < $1.name }
    }
}
