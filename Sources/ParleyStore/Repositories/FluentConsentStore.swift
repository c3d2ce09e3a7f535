import FluentKit
import Foundation
import ParleyCore

/// `ConsentStore` on Fluent; every query filters on `tenant_id`.
public struct FluentConsentStore: ConsentStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func record(_ consent: ConsentRecord) async throws {
        try await ConsentModel(consent).create(on: database)
    }

    public func latest(tenant: TenantID, visitorHash: String) async throws -> ConsentRecord? {
        try await ConsentModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$visitorHash == visitorHash)
            .sort(\.$createdAt, .descending)
            .first()?.domain()
    }
}
