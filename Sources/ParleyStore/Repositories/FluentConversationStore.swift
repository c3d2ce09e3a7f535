import FluentKit
import Foundation
import ParleyCore

/// `ConversationStore` on Fluent. Every query filters on `tenant_id` first.
public struct FluentConversationStore: ConversationStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func session(tenant: TenantID, keyHash: String) async throws -> ChatSession? {
        try await SessionModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$sessionKeyHash == keyHash)
            .first()?.domain()
    }

    public func session(tenant: TenantID, id: SessionID) async throws -> ChatSession? {
        try await SessionModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$id == id.uuid)
            .first()?.domain()
    }

    public func createSession(tenant: TenantID, agentCode: String, keyHash: String,
                              firstMessage: NewMessage) async throws -> (ChatSession, StoredMessage) {
        let now = Date()
        let session = SessionModel(tenantID: tenant.uuid, sessionKeyHash: keyHash, agentCode: agentCode, now: now)
        let message = MessageModel(tenantID: tenant.uuid, sessionID: session.id!, message: firstMessage, now: now)
        try await database.transaction { transaction in
            try await session.create(on: transaction)
            try await message.create(on: transaction)
        }
        return (try session.domain(), try message.domain())
    }

    public func append(tenant: TenantID, session: SessionID, message: NewMessage) async throws -> StoredMessage {
        guard try await SessionModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == session.uuid).count() == 1 else {
            throw ParleyError.notFound("unknown_session", "No such conversation.")
        }
        let now = Date()
        let model = MessageModel(tenantID: tenant.uuid, sessionID: session.uuid, message: message, now: now)
        // Writes only inside the transaction: on SQLite a transaction that reads first and then
        // writes can fail with SQLITE_BUSY instead of waiting when another connection is writing.
        try await database.transaction { transaction in
            try await model.create(on: transaction)
            try await SessionModel.query(on: transaction)
                .filter(\.$tenantID == tenant.uuid).filter(\.$id == session.uuid)
                .set(\.$lastActivityAt, to: now)
                .update()
        }
        return try model.domain()
    }

    public func recentMessages(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage] {
        guard limit > 0 else { return [] }
        var query = MessageModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$sessionID == session.uuid)
        if let before {
            guard let anchor = try await MessageModel.query(on: database)
                .filter(\.$tenantID == tenant.uuid).filter(\.$id == before.uuid).first() else { return [] }
            query = query.filter(\.$createdAt < anchor.createdAt).filter(\.$id != before.uuid)
        }
        let newestFirst = try await query.sort(\.$createdAt, .descending).limit(limit).all()
        return try newestFirst.reversed().map { try $0.domain() }
    }

    public func history(tenant: TenantID, session: SessionID, limit: Int) async throws -> [StoredMessage] {
        try await MessageModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$sessionID == session.uuid)
            .sort(\.$createdAt, .ascending)
            .limit(limit)
            .all()
            .map { try $0.domain() }
    }

    public func message(tenant: TenantID, id: MessageID) async throws -> StoredMessage? {
        try await MessageModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$id == id.uuid)
            .first()?.domain()
    }
}
