import Foundation
import ParleyCore

/// The leases a worker holds right now: what its heartbeat renews, what caps new claims, and
/// what shutdown waits for.
actor RunningJobs {
    private var leases: [JobID: JobLease] = [:]
    private var perKind: [JobKind: Int] = [:]

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

    func remove(_ lease: JobLease) {
        guard leases.removeValue(forKey: lease.job.id) != nil else { return }
        perKind[lease.job.kind, default: 1] -= 1
    }

    /// Free slots per kind: each kind's own cap, and the worker's total.
    func slots(caps: [JobKind: Int], total: Int) -> [JobKind: Int] {
        let free = total - leases.count
        guard free > 0 else { return [:] }
        var slots: [JobKind: Int] = [:]
        for (kind, cap) in caps {
            let open = min(cap - perKind[kind, default: 0], free)
            if open > 0 { slots[kind] = open }
        }
        return slots
    }
}
