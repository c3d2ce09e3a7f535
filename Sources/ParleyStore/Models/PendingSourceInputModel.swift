import FluentKit
import Foundation
import ParleyCore

/// Row of `source_inputs`: what was submitted for a source whose ingestion job has not read it
/// yet (keyed by the source, deleted with it).
final class PendingSourceInputModel: Model, @unchecked Sendable {
    static let schema = "source_inputs"

    @ID(custom: "source_id", generatedBy: .user) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "title") var title: String?
    @OptionalField(key: "locator") var locator: String?
    @OptionalField(key: "agent_code") var agentCode: String?
    @Field(key: "payload_kind") var payloadKind: String
    @Field(key: "payload") var payload: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ input: PendingSourceInput) {
        id = input.sourceID.uuid
        tenantID = input.tenantID.uuid
        kind = input.kind.rawValue
        title = input.title
        locator = input.locator
        agentCode = input.agentCode
        payloadKind = input.payloadKind.rawValue
        payload = input.payload
        createdAt = input.createdAt
    }

    func domain() throws -> PendingSourceInput {
        PendingSourceInput(sourceID: SourceID(try requireID()), tenantID: TenantID(tenantID), kind: SourceKind(rawValue: kind) ?? .text,
                           title: title, locator: locator, agentCode: agentCode,
                           payloadKind: PendingSourceInput.PayloadKind(rawValue: payloadKind) ?? .text, payload: payload, createdAt: createdAt)
    }
}
