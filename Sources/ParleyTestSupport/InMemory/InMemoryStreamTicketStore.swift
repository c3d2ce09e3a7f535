import Foundation
import ParleyCore

/// A `StreamTicketStore` in memory, for fast unit tests of the visitor use cases.
public actor InMemoryStreamTicketStore: StreamTicketStore {
    private var tickets: [StreamID: (ticket: StreamTicket, used: Bool)] = [:]

    public init() {}

    public func save(_ ticket: StreamTicket) async throws {
        tickets[ticket.id] = (ticket, false)
    }

    public func redeem(tenant: TenantID, id: StreamID, now: Date) async throws -> StreamTicket? {
        guard let entry = tickets[id], entry.ticket.tenantID == tenant, !entry.used else { return nil }
        tickets[id] = (entry.ticket, true)
        return entry.ticket.expiresAt > now ? entry.ticket : nil
    }

    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        let expired = tickets.filter { $0.value.ticket.expiresAt < cutoff }.keys
        for id in expired { tickets[id] = nil }
        return expired.count
    }
}

/// A `ConsentStore` in memory.
public actor InMemoryConsentStore: ConsentStore {
    private var records: [ConsentRecord] = []

    public init() {}

    public func record(_ consent: ConsentRecord) async throws {
        records.append(consent)
    }

    public func latest(tenant: TenantID, visitorHash: String) async throws -> ConsentRecord? {
        records.last { $0.tenantID == tenant && $0.visitorHash == visitorHash }
    }
}
