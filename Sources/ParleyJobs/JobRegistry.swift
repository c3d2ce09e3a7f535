import Foundation
import ParleyCore

/// The job kinds a worker can run: each kind's handler behind a type-erased runner that
/// decodes the stored JSON payload, and how many of that kind may run at once per process.
public struct JobRegistry: Sendable {
    struct Entry: Sendable {
        let run: @Sendable (Data, JobContext) async throws -> Void
        let concurrency: Int
    }

    private(set) var entries: [JobKind: Entry] = [:]

    public init() {}

    /// Registers a handler; `concurrency` caps how many jobs of its kind one process runs at once
    /// (CPU-bound kinds such as embedding: 1).
    public mutating func register<H: JobHandler>(_ handler: H, concurrency: Int = 1) {
        entries[H.kind] = Entry(run: { data, context in
            let payload: H.Payload
            do {
                payload = try JSONDecoder().decode(H.Payload.self, from: data)
            } catch {
                throw PermanentJobFailure("the payload of a \(H.kind) job cannot be decoded")
            }
            try await handler.run(payload, context: context)
        }, concurrency: max(1, concurrency))
    }

    public var kinds: Set<JobKind> { Set(entries.keys) }

    func entry(_ kind: JobKind) -> Entry? { entries[kind] }
}
