import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyLeads
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Lead profiles in the real databases: one per conversation, read back with each value's source
/// message and confirmation, and never readable or writable through another tenant.
@Suite("Lead profiles in the database")
struct LeadProfileStoreTests {
    @Test(arguments: TestBackend.available)
    func profilesRoundTripPerConversationAndTenant(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let (session, message) = try await server.conversation(of: acme, key: "lead-test",
                                                                   saying: "I'm Anna, anna@example.com, interested in the Aurora City")
            let store = FluentLeadProfileStore(database: database)
            #expect(try await store.profile(tenant: acme.id, session: session.id) == nil)

            let extractor = ContactExtractor(catalogue: InterestCatalogue(names: ["Aurora City", "Test ride"]))
            var profile = LeadProfile().merging(extractor.extract(from: message.content), from: message.id, confirmed: false)
            #expect(profile.stage == .qualified && profile.name?.value == "Anna")
            profile.preferences = [.init("weekend delivery", messageID: message.id, confirmed: false)]
            profile.fields[.budget] = .init("under 3,000", messageID: message.id, confirmed: false)
            profile.contactConsentAt = Date(timeIntervalSince1970: 1_700_000_000)
            #expect(try await store.save(profile, tenant: acme.id, session: session.id), "created")
            var read = try #require(try await store.profile(tenant: acme.id, session: session.id))
            read.updatedAt = nil
            #expect(read == profile)

            // A confirmed form overrides the guess; saved again, still one row.
            profile = profile.merging(ExtractedContact(name: "Anna Berg", phone: "+31612345678"), from: nil, confirmed: true)
            #expect(try await store.save(profile, tenant: acme.id, session: session.id) == false, "updated, not created")
            read = try #require(try await store.profile(tenant: acme.id, session: session.id))
            #expect(read.name == .init("Anna Berg", messageID: nil, confirmed: true) && read.email?.messageID == message.id)
            #expect(read.interests == [.init("Aurora City", messageID: message.id, confirmed: false)])
            #expect(try await server.rowCount("profiles") == 1)

            // Another tenant neither reads nor writes this conversation's lead.
            #expect(try await store.profile(tenant: other.id, session: session.id) == nil)
            await #expect(throws: ParleyError.self) { try await store.save(LeadProfile(), tenant: other.id, session: session.id) }
            #expect(try await store.profile(tenant: acme.id, session: session.id)?.name?.value == "Anna Berg")
        }
    }
}
