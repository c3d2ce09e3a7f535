import FluentKit
import Foundation
import ParleyCore

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

    public func profile(tenant: TenantID, session: SessionID) async throws -> LeadProfile? {
        guard let row = try await ProfileModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$sessionID == session.uuid).first() else {
            return nil
        }
        return Self.profile(from: row)
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

    @discardableResult
    public func save(_ profile: LeadProfile, tenant: TenantID, session: SessionID) async throws -> Bool {
        let existing = try await ProfileModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$sessionID == session.uuid).first()
        // A profile of this tenant exists only for a conversation of this tenant: only a new one
        // needs the check (every update of a lead is one statement fewer).
        if existing == nil {
            guard try await SessionModel.query(on: database).filter(\.$id == session.uuid).filter(\.$tenantID == tenant.uuid).count() > 0 else {
                throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
            }
        }
        let row = existing ?? ProfileModel()
        row.tenantID = tenant.uuid
        row.sessionID = session.uuid
        let value = { (key: LeadProfile.Key) in profile.fields[key]?.value }
        row.customerName = value(.name)
        row.email = value(.email)
        row.phone = value(.phone)
        row.company = value(.company)
        row.addressStreet = value(.street)
        row.addressCity = value(.city)
        row.addressState = value(.state)
        row.addressZip = value(.zip)
        row.productsOfInterest = profile.interests.map(\.value)
        if row.id == nil { row.servicesOfInterest = [] }
        var details: [String: JSONValue] = ["items": .array(profile.preferences.map { .string($0.value) })]
        for key in Self.detailKeys { if let text = value(key) { details[key.rawValue] = .string(text) } }
        if let consent = profile.contactConsentAt { details["contact_consent_at"] = .number(consent.timeIntervalSince1970) }
        row.preferences = JSONObject(.object(details))
        row.stage = profile.stage.rawValue
        func source(_ field: LeadProfile.Field) -> JSONValue {
            .object(["message_id": field.messageID.map { .string($0.description) } ?? .null, "confirmed": .bool(field.confirmed)])
        }
        var sources: [String: JSONValue] = [:]
        for (key, field) in profile.fields { sources[key.rawValue] = source(field) }
        sources["interests"] = .object(Dictionary(profile.interests.map { ($0.value, source($0)) }, uniquingKeysWith: { first, _ in first }))
        sources["preferences"] = .object(Dictionary(profile.preferences.map { ($0.value, source($0)) }, uniquingKeysWith: { first, _ in first }))
        row.sources = JSONObject(.object(sources))
        try await row.save(on: database)
        return existing == nil
    }
}
