import FluentKit
import Foundation
import Logging
import ParleyCore
import SQLKit

/// Conversations' live events across `parley serve` processes on one PostgreSQL database: each
/// event goes to this process's followers at once (`local`) and to the others through
/// `NOTIFY parley_session_events`; every process's `PostgresChannelListener` hands what the
/// others sent to its own followers (`deliver`). Stored events are in the database before they
/// are published, so a notice too large to carry the event's data makes the receiver read it
/// from there; a notice lost altogether is found by the feeds' periodic re-check.
public struct PostgresSessionEventBus: SessionEventBus {
    public static let channel = "parley_session_events"
    /// PostgreSQL refuses notification payloads of 8,000 bytes or more.
    static let maxPayloadBytes = 7_900

    private let local: any SessionEventBus
    private let database: any Database
    /// This process, so that it ignores its own notices (it has delivered them already).
    private let origin: UUID
    private let logger: Logger

    public init(local: any SessionEventBus, database: any Database, origin: UUID, logger: Logger = Logger(label: "parley.handoff.bus")) {
        self.local = local
        self.database = database
        self.origin = origin
        self.logger = logger
    }

    public func publish(_ event: SessionEvent) async {
        await local.publish(event)
        guard let sql = database as? any SQLDatabase else { return }
        do {
            try await sql.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: Notice(event, origin: origin).payload))").run()
        } catch {
            logger.warning("live event not sent to other processes", metadata: ["event": "notify_failed", "error": "\(type(of: error))"])
        }
    }

    public func publishHere(_ event: SessionEvent) async {
        await local.publish(event)
    }

    public func subscribe(tenant: TenantID, session: SessionID?) async -> AsyncStream<SessionEvent> {
        await local.subscribe(tenant: tenant, session: session)
    }

    /// Hands another process's notice to this process's followers; `store` reads an event whose
    /// data did not fit in the notice. Malformed notices and this process's own are ignored.
    public static func deliver(_ payload: String, to local: any SessionEventBus, origin: UUID, store: any LiveConversationStore) async {
        guard let notice = try? JSONDecoder().decode(Notice.self, from: Data(payload.utf8)), notice.origin != origin,
              let kind = SessionEventKind(rawValue: notice.kind) else { return }
        let tenant = TenantID(notice.tenant), session = SessionID(notice.session)
        if let data = notice.data.flatMap({ JSONValue.parse(Data($0.utf8)) }) {
            await local.publish(SessionEvent(tenantID: tenant, sessionID: session, sequence: notice.sequence, kind: kind, data: data,
                                             createdAt: Date(timeIntervalSince1970: Double(notice.createdAt) / 1000)))
        } else if notice.sequence > 0,
                  let stored = try? await store.events(tenant: tenant, session: session, after: notice.sequence - 1, limit: 1).first {
            await local.publish(stored)
        }
    }

    /// One event as a notification payload.
    struct Notice: Codable {
        var origin: UUID
        var tenant: UUID
        var session: UUID
        var sequence: Int64
        var kind: String
        /// The event's data as JSON text; nil when the notice would be too large with it.
        var data: String?
        var createdAt: Int64

        init(_ event: SessionEvent, origin: UUID) {
            self.origin = origin
            tenant = event.tenantID.uuid
            session = event.sessionID.uuid
            sequence = event.sequence
            kind = event.kind.rawValue
            data = event.data.jsonString
            createdAt = Int64((event.createdAt.timeIntervalSince1970 * 1000).rounded())
        }

        var payload: String {
            let encoder = JSONEncoder()
            if let full = try? encoder.encode(self), full.count < PostgresSessionEventBus.maxPayloadBytes { return String(decoding: full, as: UTF8.self) }
            var bare = self
            bare.data = nil
            return (try? encoder.encode(bare)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }
}

/// What the NOTIFY of a stored event says, when `SQLLiveConversations` sends it in the statement
/// that stores the event (PostgreSQL): the same notice `PostgresSessionEventBus` sends, so every
/// process's listener reads it alike, one round trip and one commit fewer per hand-over event.
public struct SessionEventNotices: Sendable {
    /// This process, which ignores its own notices.
    public let origin: UUID

    public init(origin: UUID) {
        self.origin = origin
    }

    /// The event's data as the notice carries it, or nil when it might not fit (the receiver
    /// then reads the event from the database). `json_build_object` at most doubles a text
    /// (it escapes quotes and backslashes), and the other fields take under 300 bytes.
    static func carried(_ data: JSONValue) -> String? {
        let text = data.jsonString
        return text.utf8.count * 2 + 300 < PostgresSessionEventBus.maxPayloadBytes ? text : nil
    }
}
