import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// The leads API and its CSV: filters, search, keyset pages that neither skip nor repeat, the
/// panel's list; one tenant's key or people never see another's leads.
@Suite("Leads API")
struct LeadsAPITests {
    /// A conversation with a lead of `fields`, in `tenant`.
    func seed(_ server: ParleyTestServer, _ tenant: TenantID, _ values: [LeadProfile.Key: String], interests: [String] = []) async throws -> SessionID {
        let (session, _) = try await server.stores.conversations.createSession(tenant: tenant, agentCode: "sales", keyHash: KeyMaterial.hash(UUID().uuidString),
                                                                                firstMessage: NewMessage(role: .human, content: "hello"))
        let lead = LeadProfile().merging(ExtractedContact(values: values, interests: interests), from: nil, confirmed: true)
        try await FluentLeadProfileStore(database: server.app.db(.parley)).save(lead, tenant: tenant, session: session.id)
        return session.id
    }

    @Test(arguments: TestBackend.available)
    func leadsAreListedFilteredPagedAndExportedPerTenant(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let provisioner = server.services.provisioner(server.stores)
            let acme = try await provisioner.createTenant(name: "Acme", slug: "acme")
            let other = try await provisioner.createTenant(name: "Other", slug: "other")
            var seeded: [SessionID] = []
            for index in 0 ..< 7 {
                seeded.append(try await seed(server, acme.tenant.id, [.name: "Person \(index)", .email: "p\(index)@acme.example"], interests: index.isMultiple(of: 2) ? ["Aurora City"] : []))
            }
            let formula = try await seed(server, acme.tenant.id, [.name: "Zoë 100%_Real", .company: "=HYPERLINK(\"http://evil\")"])
            _ = try await seed(server, other.tenant.id, [.name: "Person 1", .email: "secret@other.example"])
            let key = [("Authorization", "Bearer \(acme.apiKey)")]
            func get(_ query: String, headers: [(String, String)] = key) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, "/api/v1/leads" + query, headers: headers)
            }

            let all = try await get("")
            #expect(all.status == 200)
            let listed = all.json["leads"]?.arrayValue ?? []
            #expect(listed.count == 8 && listed.first?["conversation_id"]?.stringValue == formula.description, "newest first")
            #expect(!all.body.contains(Data("secret@other.example".utf8)), "another tenant's lead never appears")
            #expect(listed.last?["lead"]?["email"]?["confirmed"]?.boolValue == true)

            #expect(try await get("?stage=qualified").json["leads"]?.arrayValue?.count == 4)
            #expect(try await get("?stage=engaged").json["leads"]?.arrayValue?.count == 4)
            #expect(try await get("?reachable=true").json["leads"]?.arrayValue?.count == 7)
            #expect(try await get("?q=PERSON%203").json["leads"]?.arrayValue?.count == 1, "case-insensitive")
            #expect(try await get("?q=100%25_").json["leads"]?.arrayValue?.count == 1, "% and _ match themselves")
            #expect(try await get("?q=%25").json["leads"]?.arrayValue?.count == 1)
            #expect(try await get("?q=hyperlink").json["leads"]?.arrayValue?.count == 1, "the company is searched")

            // Keyset pages of 3: every lead once.
            var seen: [String] = []
            var next: String? = ""
            while let after = next {
                let page = try await get("?limit=3" + (after.isEmpty ? "" : "&after=" + (after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")))
                seen += (page.json["leads"]?.arrayValue ?? []).compactMap { $0["conversation_id"]?.stringValue }
                next = page.json["next"]?.stringValue
            }
            #expect(seen.count == 8 && Set(seen).count == 8)

            // CSV: one row per lead, formulas defused, quoted where needed.
            let csv = try await get("?format=csv")
            #expect(csv.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            let text = String(decoding: csv.body, as: UTF8.self)
            let lines = text.split(separator: "\r\n")
            #expect(lines.count == 9 && lines[0].hasPrefix("conversation_id,agent,started_at,updated_at,stage,name,email,phone,company"))
            #expect(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "\(text)")

            // The admin route: viewers of the tenant see the same; others nothing.
            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("viewer@acme.example", acme.tenant.id, .viewer).token
            let outsider = try await people.token("owner@other.example", other.tenant.id, .owner).token
            let asViewer = try await server.send(.GET, "/api/v1/admin/tenants/acme/leads?limit=2", headers: [("Authorization", "Bearer \(viewer)")])
            #expect(asViewer.status == 200 && asViewer.json["leads"]?.arrayValue?.count == 2 && asViewer.json["next"]?.stringValue != nil)
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/acme/leads", headers: [("Authorization", "Bearer \(outsider)")]).status == 404)
            let panel = try await people.panelSession("owner@acme.example", acme.tenant.id, .owner)
            let page = String(decoding: try await panel.get("/admin/t/acme/leads?stage=qualified").body, as: UTF8.self)
            #expect(page.contains("p0@acme.example") && !page.contains("p1@acme.example") && page.contains("Download CSV"))
            #expect(page.contains("=HYPERLINK") == false, "the qualified filter hides the engaged lead")

            // Bad input and missing credentials.
            #expect(try await get("", headers: []).status == 401)
            #expect(try await get("", headers: [("Authorization", "Bearer \(other.apiKey)")]).json["leads"]?.arrayValue?.count == 1)
            for (query, code) in [("?stage=hot", "invalid_stage"), ("?limit=0", "invalid_limit"), ("?limit=201", "invalid_limit"),
                                  ("?after=nonsense", "invalid_cursor"), ("?from=yesterday", "invalid_date"), ("?format=xml", "invalid_format"),
                                  ("?reachable=maybe", "invalid_reachable"), ("?q=" + String(repeating: "a", count: 101), "invalid_search"),
                                  ("?q=%00", "invalid_search")] {
                #expect(try await get(query).errorCode == code, "\(query)")
            }
        }
    }
}
