import FluentKit
import FluentSQL
import Foundation
import ParleyCore
import SQLKit

/// Lead profiles in `profiles`: name, e-mail, phone, company and address in their columns,
/// interests in `products_of_interest`, buying signals, the note, preferences and the contact
/// consent in `preferences`, and where each value came from in `sources`
/// (`{"name": {"message_id", "confirmed"}, …, "interests": {"Aurora City": {…}}, "preferences": {…}}`).
public struct FluentLeadProfileStore: LeadProfileStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// The keys kept in `preferences` rather than in a column of their own.
    static let detailKeys: [LeadProfile.Key] = [.quantity, .budget, .timeline, .note]

    /// Read with SQLKit into the model (a statement SQLite runs directly, see
    /// `DirectSQLiteDatabase`): each lead job reads the profile of the message's conversation.
    public func profile(tenant: TenantID, session: SessionID) async throws -> LeadProfile? {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Lead profiles need an SQL database.") }
        guard let row = try await sql.select().column("*").from(ProfileModel.schema)
            .where("tenant_id", .equal, tenant.uuid).where("session_id", .equal, session.uuid).limit(1).first() else { return nil }
        return Self.profile(from: try row.decode(fluentModel: ProfileModel.self))
    }

    static func profile(from row: ProfileModel) -> LeadProfile {
        let sources = row.sources?.value ?? .object([:])
        let details = row.preferences.value
        func field(_ value: String?, origin: JSONValue?) -> LeadProfile.Field? {
            guard let value, !value.isEmpty else { return nil }
            return LeadProfile.Field(value, messageID: origin?["message_id"]?.stringValue.flatMap(MessageID.init(string:)),
                                     confirmed: origin?["confirmed"]?.boolValue ?? false)
        }
        var fields: [LeadProfile.Key: LeadProfile.Field] = [:]
        for key in LeadProfile.Key.allCases {
            let value = Self.column(key, of: row) ?? (detailKeys.contains(key) ? details[key.rawValue]?.stringValue : nil)
            fields[key] = field(value, origin: sources[key.rawValue])
        }
        let preferences = (details["items"]?.arrayValue ?? []).compactMap(\.stringValue)
        return LeadProfile(fields: fields,
                           interests: row.productsOfInterest.compactMap { field($0, origin: sources["interests"]?[$0] ?? .object([:])) },
                           preferences: preferences.compactMap { field($0, origin: sources["preferences"]?[$0] ?? .object([:])) },
                           stage: row.stage.flatMap(LeadProfile.Stage.init(rawValue:)) ?? .new,
                           contactConsentAt: details["contact_consent_at"]?.doubleValue.map { Date(timeIntervalSince1970: $0) },
                           updatedAt: row.updatedAt)
    }

    static func column(_ key: LeadProfile.Key, of row: ProfileModel) -> String? {
        switch key {
        case .name: row.customerName
        case .email: row.email
        case .phone: row.phone
        case .company: row.company
        case .street: row.addressStreet
        case .city: row.addressCity
        case .state: row.addressState
        case .zip: row.addressZip
        case .quantity, .budget, .timeline, .note: nil
        }
    }

    /// One statement: an upsert on the profile's unique session that writes only for a
    /// conversation of this tenant (its `INSERT … SELECT … WHERE EXISTS`), and says by the id it
    /// returns whether it created the row. It was a read of the row, a check of the session and
    /// the write.
    @discardableResult
    public func save(_ profile: LeadProfile, tenant: TenantID, session: SessionID) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Lead profiles need an SQL database.") }
        let id = UUID.random()
        let value = { (key: LeadProfile.Key) in profile.fields[key]?.value }
        let row = try await sql.raw("""
            INSERT INTO profiles (id, tenant_id, session_id, customer_name, company, phone, email, address_street, address_city, address_state,
                                  address_zip, products_of_interest, services_of_interest, preferences, stage, sources, updated_at)
            SELECT \(bind: id), \(bind: tenant.uuid), \(bind: session.uuid), \(bind: value(.name)), \(bind: value(.company)), \(bind: value(.phone)),
                   \(bind: value(.email)), \(bind: value(.street)), \(bind: value(.city)), \(bind: value(.state)), \(bind: value(.zip)),
                   \(bind: profile.interests.map(\.value)), \(bind: [String]()), \(Self.details(of: profile).bound), \(bind: profile.stage.rawValue),
                   \(Self.sources(of: profile).bound), \(bind: Date())
            WHERE EXISTS (SELECT 1 FROM sessions WHERE id = \(bind: session.uuid) AND tenant_id = \(bind: tenant.uuid))
            ON CONFLICT (session_id) DO UPDATE SET
                customer_name = excluded.customer_name, company = excluded.company, phone = excluded.phone, email = excluded.email,
                address_street = excluded.address_street, address_city = excluded.address_city, address_state = excluded.address_state,
                address_zip = excluded.address_zip, products_of_interest = excluded.products_of_interest, preferences = excluded.preferences,
                stage = excluded.stage, sources = excluded.sources, updated_at = excluded.updated_at
            WHERE profiles.tenant_id = excluded.tenant_id
            RETURNING id
            """).first()
        guard let row else { throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.") }
        return try row.decode(column: "id", as: UUID.self) == id
    }

    /// `preferences`: the listed preferences as `items`, the detail keys, the contact consent.
    static func details(of profile: LeadProfile) -> JSONObject {
        var details: [String: JSONValue] = ["items": .array(profile.preferences.map { .string($0.value) })]
        for key in detailKeys { if let text = profile.fields[key]?.value { details[key.rawValue] = .string(text) } }
        if let consent = profile.contactConsentAt { details["contact_consent_at"] = .number(consent.timeIntervalSince1970) }
        return JSONObject(.object(details))
    }

    /// `sources`: where each value came from.
    static func sources(of profile: LeadProfile) -> JSONObject {
        func source(_ field: LeadProfile.Field) -> JSONValue {
            .object(["message_id": field.messageID.map { .string($0.description) } ?? .null, "confirmed": .bool(field.confirmed)])
        }
        var sources: [String: JSONValue] = [:]
        for (key, field) in profile.fields { sources[key.rawValue] = source(field) }
        sources["interests"] = .object(Dictionary(profile.interests.map { ($0.value, source($0)) }, uniquingKeysWith: { first, _ in first }))
        sources["preferences"] = .object(Dictionary(profile.preferences.map { ($0.value, source($0)) }, uniquingKeysWith: { first, _ in first }))
        return JSONObject(.object(sources))
    }
}
