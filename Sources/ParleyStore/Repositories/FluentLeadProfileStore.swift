import FluentKit
import Foundation
import ParleyCore

/// Lead profiles in `profiles`: the values in their columns, where each came from in `sources`
/// (`{"name": {"message_id", "confirmed"}, …, "interests": {"Aurora City": {…}}}`).
public struct FluentLeadProfileStore: LeadProfileStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func profile(tenant: TenantID, session: SessionID) async throws -> LeadProfile? {
        guard let row = try await ProfileModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$sessionID == session.uuid).first() else {
            return nil
        }
        let sources = row.sources?.value ?? .object([:])
        func field(_ value: String?, _ key: String, in origin: JSONValue? = nil) -> LeadProfile.Field? {
            guard let value else { return nil }
            let source = origin ?? sources[key]
            return LeadProfile.Field(value, messageID: source?["message_id"]?.stringValue.flatMap(MessageID.init(string:)),
                                     confirmed: source?["confirmed"]?.boolValue ?? false)
        }
        return LeadProfile(name: field(row.customerName, "name"), email: field(row.email, "email"), phone: field(row.phone, "phone"),
                           interests: row.productsOfInterest.compactMap { field($0, $0, in: sources["interests"]?[$0] ?? .object([:])) },
                           stage: row.stage.flatMap(LeadProfile.Stage.init(rawValue:)) ?? .new, updatedAt: row.updatedAt)
    }

    public func save(_ profile: LeadProfile, tenant: TenantID, session: SessionID) async throws {
        guard try await SessionModel.query(on: database).filter(\.$id == session.uuid).filter(\.$tenantID == tenant.uuid).count() > 0 else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let row = try await ProfileModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$sessionID == session.uuid).first()
            ?? ProfileModel()
        row.tenantID = tenant.uuid
        row.sessionID = session.uuid
        row.customerName = profile.name?.value
        row.email = profile.email?.value
        row.phone = profile.phone?.value
        row.productsOfInterest = profile.interests.map(\.value)
        if row.id == nil {
            row.servicesOfInterest = []
            row.preferences = JSONObject(.object([:]))
        }
        row.stage = profile.stage.rawValue
        func source(_ field: LeadProfile.Field) -> JSONValue {
            .object(["message_id": field.messageID.map { .string($0.description) } ?? .null, "confirmed": .bool(field.confirmed)])
        }
        var sources: [String: JSONValue] = [:]
        for (key, field) in [("name", profile.name), ("email", profile.email), ("phone", profile.phone)] {
            if let field { sources[key] = source(field) }
        }
        sources["interests"] = .object(Dictionary(profile.interests.map { ($0.value, source($0)) }, uniquingKeysWith: { first, _ in first }))
        row.sources = JSONObject(.object(sources))
        try await row.save(on: database)
    }
}
