import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// A tenant's leads from `profiles` and `sessions`: the page's ids chosen in SQL (filters,
/// search, keyset), then the profiles read as `FluentLeadProfileStore` reads them.
public struct SQLLeadDirectory: LeadDirectory {
    private let database: any Database
    private let sql: any SQLDatabase

    public init(database: any Database) throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("the leads list needs an SQL database") }
        self.database = database
        self.sql = sql
    }

    public func leads(tenant: TenantID, filter: LeadFilter, after cursor: ConversationCursor?, limit: Int) async throws -> [LeadListing] {
        let p = { (column: String) in SQLColumn(column, table: "p") }
        var query = sql.select()
            .column(p("id")).column(p("session_id")).column(SQLColumn("agent_code", table: "s")).column(SQLColumn("created_at", table: "s"))
            .from(SQLAlias(SQLIdentifier(ProfileModel.schema), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(SessionModel.schema), as: SQLIdentifier("s")), method: SQLJoinMethod.inner,
                  on: SQLBinaryExpression(SQLColumn("id", table: "s"), .equal, p("session_id")))
            .where(p("tenant_id"), .equal, SQLBind(tenant.uuid))
            .where(SQLColumn("tenant_id", table: "s"), .equal, SQLBind(tenant.uuid))
        if let stage = filter.stage { query = query.where(p("stage"), .equal, SQLBind(stage.rawValue)) }
        if let from = filter.updatedFrom { query = query.where(p("updated_at"), .greaterThanOrEqual, SQLBind(from)) }
        if let before = filter.updatedBefore { query = query.where(p("updated_at"), .lessThan, SQLBind(before)) }
        if filter.reachableOnly {
            query = query.where { $0.where(p("email"), .isNot, SQLLiteral.null).orWhere(p("phone"), .isNot, SQLLiteral.null) }
        }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = "%" + Self.escapedForLike(String(search.lowercased().prefix(LeadFilter.maxSearchLength))) + "%"
            query = query.where { group in
                for column in ["customer_name", "email", "company"] { group.orWhere(LowercaseLike(column: p(column), pattern: pattern)) }
                return group
            }
        }
        let rows = try await query.keysetPage(after: cursor, time: p("updated_at"), id: p("session_id"))
            .limit(max(1, min(limit, 1000))).all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        let profiles = Dictionary(uniqueKeysWithValues: try await ProfileModel.query(on: database).filter(\.$tenantID == tenant.uuid)
            .filter(\.$id ~~ ids).all().compactMap { row in row.id.map { ($0, FluentLeadProfileStore.profile(from: row)) } })
        return try rows.compactMap { row in
            guard let lead = profiles[try row.decode(column: "id", as: UUID.self)] else { return nil }
            return LeadListing(session: SessionID(try row.decode(column: "session_id", as: UUID.self)),
                               agentCode: try row.decode(column: "agent_code", as: String.self),
                               startedAt: try row.decode(column: "created_at", as: Date.self), lead: lead)
        }
    }

    /// `lower(column) LIKE pattern ESCAPE '\'`: a case-insensitive match on SQLite and PostgreSQL alike.
    struct LowercaseLike: SQLExpression {
        let column: any SQLExpression
        let pattern: String

        func serialize(to serializer: inout SQLSerializer) {
            SQLFunction("lower", args: column).serialize(to: &serializer)
            serializer.write(" LIKE ")
            SQLBind(pattern).serialize(to: &serializer)
            serializer.write(" ESCAPE '\\'")
        }
    }

    /// `%`, `_` and `\` match themselves (`ESCAPE '\'`).
    static func escapedForLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
