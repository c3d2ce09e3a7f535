import ParleyCore

/// One held place in `StreamSlots`. It is given back when the last reference goes, whether the
/// stream ran to its end, failed, or its response body was never started (a client that left
/// first): a handler only has to keep it alive while the answer streams.
final class StreamSlot: Sendable {
    private let slots: StreamSlots
    private let tenant: TenantID
    private let address: String?

    private init(slots: StreamSlots, tenant: TenantID, address: String?) {
        self.slots = slots
        self.tenant = tenant
        self.address = address
    }

    static func acquire(_ slots: StreamSlots, tenant: TenantID, address: String?) async throws -> StreamSlot {
        if let refusal = await slots.acquire(tenant: tenant, address: address) {
            let who = refusal == .tenant ? "this site" : "your network"
            throw ParleyError(code: "too_many_streams", message: "Too many answers are streaming for \(who) right now. Please try again in a moment.",
                              kind: .rateLimited, retryAfterSeconds: 2)
        }
        return StreamSlot(slots: slots, tenant: tenant, address: address)
    }

    /// A slot, or nil when a cap is full (for work a caller may leave undone).
    static func tryAcquire(_ slots: StreamSlots, tenant: TenantID, address: String?) async -> StreamSlot? {
        guard await slots.acquire(tenant: tenant, address: address) == nil else { return nil }
        return StreamSlot(slots: slots, tenant: tenant, address: address)
    }

    deinit {
        let (slots, tenant, address) = (slots, tenant, address)
        Task { await slots.release(tenant: tenant, address: address) }
    }
}
