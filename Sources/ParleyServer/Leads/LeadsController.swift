import Fluent
import Foundation
import NIOHTTP1
import ParleyCore
import ParleyStore
import Vapor

/// The leads API for a tenant's servers (its API key: `GET /api/v1/leads`) and people (viewer:
/// `GET /api/v1/admin/tenants/{slug}/leads`): most recently changed first, filtered by `stage`,
/// `from`/`to` (when they changed), `q` (name, e-mail or company) and `reachable=true`; keyset
/// pages of `limit` (1–200, 50) with `after`; `format=csv` exports up to 10,000 leads at once.
struct LeadsController: RouteCollection {
    static let maxExportRows = 10_000

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "leads").grouped(CallerMiddleware(credential: .apiKey)).get(use: list)
        routes.grouped("api", "v1", "admin", "tenants", ":slug", "leads").grouped(AdminCallerMiddleware())
            .grouped(AdminTenantMiddleware(needs: .viewer)).get(use: list)
    }

    struct Listing: Content {
        var conversationID: String
        var agent: String
        var startedAt: Date
        var lead: LeadDTO

        enum CodingKeys: String, CodingKey {
            case agent, lead
            case conversationID = "conversation_id", startedAt = "started_at"
        }

        init(_ listing: LeadListing) {
            conversationID = listing.session.description
            agent = listing.agentCode
            startedAt = listing.startedAt
            lead = LeadDTO(listing.lead)
        }
    }

    struct Page: Content {
        var leads: [Listing]
        var next: String?
    }

    func list(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let (filter, cursor, limit) = try Self.query(request)
        let directory = try SQLLeadDirectory(database: request.db(.parley))
        switch request.query[String.self, at: "format"] ?? "json" {
        case "json":
            let page = try await directory.leads(tenant: context.tenant.id, filter: filter, after: cursor, limit: limit)
            return try await Page(leads: page.map(Listing.init), next: page.count == limit ? page.last?.cursor.token : nil).encodeResponse(for: request)
        case "csv":
            var rows: [LeadListing] = []
            var position = cursor
            // Pages of 1,000 up to the export's bound: memory stays flat whatever the tenant holds.
            while rows.count < Self.maxExportRows {
                let page = try await directory.leads(tenant: context.tenant.id, filter: filter, after: position, limit: 1000)
                rows += page
                guard page.count == 1000, let last = page.last else { break }
                position = last.cursor
            }
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"leads-\(context.tenant.slug).csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: Self.csv(rows.prefix(Self.maxExportRows)).text))
        default:
            throw ParleyError.badRequest("invalid_format", "format must be json or csv.")
        }
    }

    /// One row per lead: its conversation, stage, every field, interests, preferences, consent.
    static func csv(_ listings: ArraySlice<LeadListing>) -> CSVTable {
        let iso = ISO8601DateFormatter()
        let header = ["conversation_id", "agent", "started_at", "updated_at", "stage"] + LeadProfile.Key.allCases.map(\.rawValue)
            + ["interests", "preferences", "contact_consent_at"]
        let rows = listings.map { listing -> [String] in
            let lead = listing.lead
            return [listing.session.description, listing.agentCode, iso.string(from: listing.startedAt),
                    lead.updatedAt.map(iso.string(from:)) ?? "", lead.stage.rawValue]
                + LeadProfile.Key.allCases.map { lead.fields[$0]?.value ?? "" }
                + [lead.interests.map(\.value).joined(separator: "; "), lead.preferences.map(\.value).joined(separator: "; "),
                   lead.contactConsentAt.map(iso.string(from:)) ?? ""]
        }
        return CSVTable(header: header, rows: rows)
    }

    /// The filter, cursor and page size from the query, checked; the panel's list reads the same.
    static func query(_ request: Request) throws -> (LeadFilter, ConversationCursor?, Int) {
        var filter = LeadFilter()
        if let stage = request.query[String.self, at: "stage"], !stage.isEmpty {
            guard let parsed = LeadProfile.Stage(rawValue: stage) else {
                throw ParleyError.badRequest("invalid_stage", "stage must be new, engaged or qualified.")
            }
            filter.stage = parsed
        }
        filter.updatedFrom = try AdminConversationsController.date(request, "from")
        filter.updatedBefore = try AdminConversationsController.date(request, "to")
        if let search = request.query[String.self, at: "q"], !search.isEmpty {
            guard search.count <= LeadFilter.maxSearchLength, !search.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw ParleyError.badRequest("invalid_search", "q must be at most \(LeadFilter.maxSearchLength) characters of text.")
            }
            filter.search = search
        }
        switch request.query[String.self, at: "reachable"] {
        case nil, "", "false": break
        case "true": filter.reachableOnly = true
        default: throw ParleyError.badRequest("invalid_reachable", "reachable must be true or false.")
        }
        let page = try request.pageQuery()
        return (filter, page.cursor, page.limit)
    }
}
