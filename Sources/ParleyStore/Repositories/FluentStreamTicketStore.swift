import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `StreamTicketStore` on Fluent. Redemption is one conditional UPDATE … RETURNING, so two
/// concurrent GETs with the same stream id cannot both win, on SQLite or PostgreSQL.
public struct FluentStreamTicketStore: StreamTicketStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func save(_ ticket: StreamTicket) async throws {
        try await StreamTicketModel(ticket).create(on: database)
    }

    public func redeem(tenant: TenantID, id: StreamID, now: Date) async throws -> StreamTicket? {
        guard let sql = database as? any SQLDatabase else {
            throw ParleyError.internalFailure("The database does not support SQL.")
        }
        let redeemed = try await sql.update(StreamTicketModel.schema)
            .set("consumed_at", to: now)
            .where("id", .equal, id.uuid)
            .where("tenant_id", .equal, tenant.uuid)
            .where("consumed_at", .is, SQLLiteral.null)
            .returning("id")
            .all()
        guard redeemed.count == 1 else { return nil }
        guard let model = try await StreamTicketModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).first() else { return nil }
        let ticket = try model.domain()
        return ticket.expiresAt > now ? ticket : nil
    }

    @discardableResult
    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        let expired = try await StreamTicketModel.query(on: database).filter(\.$expiresAt < cutoff).count()
        guard expired > 0 else { return 0 }
        try await StreamTicketModel.query(on: database).filter(\.$expiresAt < cutoff).delete()
        return expired
    }
}
