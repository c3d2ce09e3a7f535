import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// The live hand-over in SQL: each change runs in one transaction that checks the conversation
/// is the tenant's, changes its open escalation with a conditional UPDATE (so two operators
/// racing for one conversation cannot both win), writes the message, and numbers its events.
/// A change that only announces (an escalation the turn has just opened, a visitor's message to
/// a person) is its event's one INSERT, which checks the conversation itself: four statements
/// fewer for every escalated conversation.
///
/// An event's number is the conversation's highest plus one, under the unique index on
/// (session_id, seq): two transactions that pick the same number cannot both commit, and the
/// loser is retried. So numbers follow commit order without gaps, which is what lets a client
/// resume from the last number it saw.
public struct SQLLiveConversations: LiveConversationStore {
    static let eventTable = "session_events"

    private let database: any Database
    /// Set on PostgreSQL: each stored event's NOTIFY goes in the statement that stores it.
    private let notices: SessionEventNotices?

    public init(database: any Database, notices: SessionEventNotices? = nil) {
        self.database = database
        self.notices = notices
    }

    /// A transaction that lost a race (for an event number or a conversation) and may be retried.
    struct LostRace: Error {}

    /// Tries of one change before its last race's error is the caller's.
    static let attempts = 20

    static let unknownConversation = ParleyError.notFound("unknown_conversation", "No conversation has that id.")

    public func apply(_ change: HandoffChange, tenant: TenantID, session: SessionID, at date: Date) async throws -> HandoffRecord {
        var attempt = 0
        while true {
            do {
                let notices = try sql.dialect.name == "postgresql" ? self.notices : nil
                var record: HandoffRecord
                if change.onlyAnnounces {
                    record = try await Transaction(sql: sql, tenant: tenant, session: session, at: date, notices: notices).apply(change)
                } else {
                    record = try await database.transaction { transaction in
                        guard let sql = transaction as? any SQLDatabase else { throw ParleyError.internalFailure("The hand-over needs an SQL database.") }
                        return try await Transaction(sql: sql, tenant: tenant, session: session, at: date, notices: notices).apply(change)
                    }
                }
                record.toldOtherProcesses = notices != nil
                return record
            } catch let error as ParleyError {
                throw error
            } catch {
                // A unique index refused a concurrent writer's twin (or LostRace): the loser starts
                // over, after a short random pause so that the same writers do not meet again at once.
                // Each loss means another writer's event went in; with a dozen writing to one
                // conversation at once, five tries were not always enough for the last of them.
                attempt += 1
                if attempt >= Self.attempts { throw error }
                try await Task.sleep(for: .microseconds(Int.random(in: 100 ... 1_000) * min(attempt, 8)))
            }
        }
    }

    public func events(tenant: TenantID, session: SessionID, after sequence: Int64, limit: Int) async throws -> [SessionEvent] {
        try await sql.raw("""
            SELECT seq, kind, data, created_at FROM session_events
            WHERE tenant_id = \(bind: tenant.uuid) AND session_id = \(bind: session.uuid) AND seq > \(bind: sequence)
            ORDER BY seq LIMIT \(literal: max(0, min(limit, 1000)))
            """).all().compactMap { row in
            guard let kind = SessionEventKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
            return SessionEvent(tenantID: tenant, sessionID: session, sequence: try row.decode(column: "seq", as: Int64.self), kind: kind,
                                data: try row.decode(column: "data", as: JSONObject.self).value,
                                createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    public func lastSequence(tenant: TenantID, session: SessionID) async throws -> Int64 {
        try await sql.raw("""
            SELECT COALESCE(MAX(seq), 0) AS last FROM session_events WHERE tenant_id = \(bind: tenant.uuid) AND session_id = \(bind: session.uuid)
            """).first()?.decode(column: "last", as: Int64.self) ?? 0
    }

    public func recentWaits(tenant: TenantID, limit: Int) async throws -> [Duration] {
        try await sql.raw("""
            SELECT created_at, taken_over_at FROM escalations WHERE tenant_id = \(bind: tenant.uuid) AND taken_over_at IS NOT NULL
            ORDER BY taken_over_at DESC LIMIT \(literal: max(0, min(limit, 1000)))
            """).all().map { row in
            .milliseconds(max(0, try row.decode(column: "taken_over_at", as: Int64.self) - row.decode(column: "created_at", as: Int64.self)))
        }
    }

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The hand-over needs an SQL database.") }
            return sql
        }
    }

    /// One change inside its transaction (an announcement, one statement, runs without one).
    private struct Transaction {
        let sql: any SQLDatabase
        let tenant: TenantID
        let session: SessionID
        let at: Date
        let notices: SessionEventNotices?

        func apply(_ change: HandoffChange) async throws -> HandoffRecord {
            switch change {
            case .escalated(let reason, let wait, let staffed):
                return HandoffRecord(events: [try await store(.escalated(reason, expectedWait: wait, staffed: staffed, tenant: tenant, session: session, at: at))])
            case .visitorWrote(let message):
                return HandoffRecord(events: [try await event(.visitorMessage, ["message_id": .string(message.id.description),
                                                                               "text": .string(message.content)])])
            case .takeOver(let person):
                return try await takeOver(try await openEscalationOfConversation(), by: person)
            case .assign(let person):
                guard let open = try await openEscalationOfConversation() else { throw Self.noEscalation }
                if let holder = open.holder, holder.id != person.id { throw Self.held(by: holder) }
                if open.holder != nil || open.assignee == person { return HandoffRecord(events: []) }
                try await require(sql.raw("""
                    UPDATE escalations SET operator_id = \(bind: person.id.uuid), operator_name = \(bind: person.name)
                    WHERE id = \(bind: open.id.uuid) AND resolved_at IS NULL AND taken_over_at IS NULL RETURNING id
                    """).all())
                return HandoffRecord(events: [try await event(.assigned, ["operator": person.jsonValue])])
            case .reply(let person, let text):
                guard let holder = try await openEscalationOfConversation()?.holder else {
                    throw ParleyError(code: "not_taken_over", message: "Take the conversation over before replying to the visitor.", kind: .conflict)
                }
                guard holder.id == person.id else { throw Self.held(by: holder) }
                return try await write(NewMessage(role: .operator, content: text, metadata: ["operator": person.jsonValue]),
                                       kind: .operatorMessage, extra: ["operator": person.jsonValue])
            case .note(let person, let text):
                try await requireConversation()
                return try await write(NewMessage(role: .note, content: text, metadata: ["operator": person.jsonValue]),
                                       kind: .note, extra: ["operator": person.jsonValue])
            case .release(let outcome, let person):
                guard let open = try await openEscalationOfConversation() else { throw Self.noEscalation }
                try await require(sql.raw("""
                    UPDATE escalations SET resolved_at = \(bind: Millis.of(at)), outcome = \(bind: outcome.rawValue)
                    WHERE id = \(bind: open.id.uuid) AND resolved_at IS NULL RETURNING id
                    """).all())
                var data: [String: JSONValue] = ["outcome": .string(outcome.rawValue), "by": person.jsonValue]
                if let holder = open.holder { data["operator"] = holder.jsonValue }
                return HandoffRecord(events: [try await event(.operatorLeft, .object(data))])
            }
        }

        private func takeOver(_ open: Escalation?, by person: OperatorIdentity) async throws -> HandoffRecord {
            if let holder = open?.holder {
                guard holder.id == person.id else { throw Self.held(by: holder) }
                return HandoffRecord(events: [])
            }
            if let open {
                try await require(sql.raw("""
                    UPDATE escalations SET operator_id = \(bind: person.id.uuid), operator_name = \(bind: person.name), taken_over_at = \(bind: Millis.of(at))
                    WHERE id = \(bind: open.id.uuid) AND resolved_at IS NULL AND taken_over_at IS NULL RETURNING id
                    """).all())
            } else {
                // The partial unique index lets one open escalation per conversation in: a racing twin loses and retries.
                try await require(sql.raw("""
                    INSERT INTO escalations (id, tenant_id, session_id, reason, created_at, operator_id, operator_name, taken_over_at)
                    VALUES (\(bind: UUID.random()), \(bind: tenant.uuid), \(bind: session.uuid), \(bind: EscalationReason.operatorTakeover.rawValue),
                            \(bind: Millis.of(at)), \(bind: person.id.uuid), \(bind: person.name), \(bind: Millis.of(at)))
                    ON CONFLICT DO NOTHING RETURNING id
                    """).all())
            }
            return HandoffRecord(events: [try await event(.operatorJoined, ["operator": person.jsonValue])])
        }

        private func write(_ new: NewMessage, kind: SessionEventKind, extra: [String: JSONValue]) async throws -> HandoffRecord {
            let message = StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session, role: new.role, content: new.content,
                                        metadata: new.metadata, createdAt: at)
            try await FluentConversationStore.insert(message, into: sql)
            var data = extra
            data["message_id"] = .string(message.id.description)
            data["text"] = .string(message.content)
            return HandoffRecord(events: [try await event(kind, .object(data))], message: message)
        }

        /// Fails with `unknown_conversation` unless the conversation is the tenant's.
        private func requireConversation() async throws {
            guard try await sql.raw("SELECT id FROM sessions WHERE tenant_id = \(bind: tenant.uuid) AND id = \(bind: session.uuid)").first() != nil else {
                throw SQLLiveConversations.unknownConversation
            }
        }

        /// The conversation's open escalation, once it is known to be the tenant's conversation.
        private func openEscalationOfConversation() async throws -> Escalation? {
            try await requireConversation()
            return try await SQLEscalations.openEscalation(tenant: tenant, session: session, on: sql)
        }

        /// Appends an event numbered after the conversation's last, if the conversation is the
        /// tenant's (`unknown_conversation` when it is not). Two writers that pick the same number
        /// collide on the unique index, and the loser is retried. With `notices`, the same
        /// statement sends the event's notice.
        func event(_ kind: SessionEventKind, _ data: JSONValue) async throws -> SessionEvent {
            try await store(SessionEventStatement(tenant: tenant, session: session, kind: kind, data: data, at: at))
        }

        private func store(_ event: SessionEventStatement) async throws -> SessionEvent {
            let insert = event.insertionIntoTenantsConversation
            let statement: SQLQueryString = if let notices {
                "WITH stored AS (\(insert)) SELECT seq, \(event.notice(from: notices)) FROM stored"
            } else {
                insert
            }
            guard let row = try await sql.raw(statement).first() else { throw SQLLiveConversations.unknownConversation }
            return event.stored(as: try row.decode(column: "seq", as: Int64.self))
        }

        /// A conditional write that found nothing to change lost to a concurrent one.
        private func require(_ rows: [any SQLRow]) throws {
            if rows.isEmpty { throw LostRace() }
        }

        static let noEscalation = ParleyError.notFound("no_escalation", "This conversation is not waiting for a person.")

        static func held(by holder: OperatorIdentity) -> ParleyError {
            ParleyError(code: "held_by_another", message: "\(holder.name) is handling this conversation.", kind: .conflict)
        }
    }
}

extension HandoffChange {
    /// The change only announces something (its one event is all it writes): an escalation the
    /// turn has just opened, a visitor's message to a person.
    fileprivate var onlyAnnounces: Bool {
        switch self {
        case .escalated, .visitorWrote: true
        case .takeOver, .assign, .reply, .note, .release: false
        }
    }
}
