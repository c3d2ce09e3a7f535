import Foundation
import ParleyCore

/// The leases a worker holds right now: what its heartbeat renews, what caps new claims, and
/// what shutdown waits for.
actor RunningJobs {
    private var leases: [JobID: JobLease] = [:]
    private var perKind: [JobKind: Int] = [:]
    /// Whether a finished job's slot should be offered at once: the last claim was held back by
    /// the worker's room (it took every job it asked for, or had no slot to ask with), so more
    /// may be due. After a claim that took fewer than it asked for, the due jobs of those kinds
    /// ran out and a finished job wakes no claim (a new job's own signal does), except one of a
    /// kind at its cap: one the claim could not ask for, or whose every asked slot it filled.
    private var roomHeldBack = true
    private var kindsAtCap: Set<JobKind> = []

    var count: Int { leases.count }

    var all: [JobLease] { Array(leases.values) }

    func running(_ kind: JobKind) -> Int { perKind[kind, default: 0] }

    func add(_ lease: JobLease) {
        leases[lease.job.id] = lease
        perKind[lease.job.kind, default: 0] += 1
    }

    /// Replaces a renewed lease, unless the job finished meanwhile.
    func update(_ lease: JobLease) {
        if leases[lease.job.id] != nil { leases[lease.job.id] = lease }
    }

    /// Removes a finished job; true when its slot should be offered to a claim at once.
    func remove(_ lease: JobLease) -> Bool {
        if leases.removeValue(forKey: lease.job.id) != nil { perKind[lease.job.kind, default: 1] -= 1 }
        return roomHeldBack || kindsAtCap.contains(lease.job.kind)
    }

    /// Records what a claim asked for (from `nextClaim`) and the jobs it took; true when the
    /// worker's room held it back (more may be due, so the next claim need not wait).
    @discardableResult
    func noteClaim(_ claim: JobClaim, caps: [JobKind: Int], took taken: [JobLease]) -> Bool {
        var perKindTaken: [JobKind: Int] = [:]
        for lease in taken { perKindTaken[lease.job.kind, default: 0] += 1 }
        roomHeldBack = claim.limit == 0 || taken.count >= claim.limit
        kindsAtCap = Set(caps.keys.filter { kind in claim.slots[kind].map { perKindTaken[kind, default: 0] >= $0 } ?? true })
        return roomHeldBack
    }

    /// The claim the worker can make now: free slots per kind (each kind's own cap, and the
    /// worker's total), and the worker's free room for all of them together.
    func nextClaim(caps: [JobKind: Int], total: Int, worker: String, leaseDuration: Duration) -> JobClaim {
        let free = max(total - leases.count, 0)
        var slots: [JobKind: Int] = [:]
        for (kind, cap) in caps {
            let open = min(cap - perKind[kind, default: 0], free)
            if open > 0 { slots[kind] = open }
        }
        return JobClaim(slots: slots, room: free, worker: worker, leaseDuration: leaseDuration)
    }
}
