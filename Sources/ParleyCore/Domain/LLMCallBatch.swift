import Foundation

/// The LLM calls made for one chat turn, held until the turn writes them with its answer.
///
/// A turn's answer and its `llm_requests` rows are then written together: on PostgreSQL one
/// statement and one commit (and its fsync) instead of two. Models hand their record to the recorder before they end their
/// stream, so once the turn has read the stream to its end its calls are here. A record that
/// arrives after the turn took the batch (`close()`) is refused, and the recorder writes it
/// itself: a call is never lost, only written on its own.
public actor LLMCallBatch {
    private var calls: [LLMCallRecord] = []
    private var closed = false

    public init() {}

    /// Keeps a call for the turn's write; false once the turn has taken the batch.
    public func add(_ call: LLMCallRecord) -> Bool {
        guard !closed else { return false }
        calls.append(call)
        return true
    }

    /// The calls held so far, once: later ones are refused.
    public func close() -> [LLMCallRecord] {
        closed = true
        defer { calls = [] }
        return calls
    }
}
