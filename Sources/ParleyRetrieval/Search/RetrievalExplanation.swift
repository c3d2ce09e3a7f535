import ParleyCore

/// A ranking as the chat would use it, with where each passage stood in the lexical and the
/// dense ranking: what an operator needs to see why a passage was (or was not) chosen.
public struct RetrievalExplanation: Sendable {
    /// The mode that ran (a hybrid or dense query runs lexically when embeddings are off).
    public var mode: RetrievalMode
    /// Best first, as `retrieve` returns them.
    public var passages: [ExplainedPassage]
    /// How many passages each ranking offered before fusion and the cut to `topK`.
    public var lexicalCandidates: Int
    public var denseCandidates: Int
}

public struct ExplainedPassage: Sendable {
    /// A passage's place (1 = best) and raw score in one ranking: BM25 for lexical, cosine for dense.
    public struct Place: Sendable, Equatable {
        public var rank: Int
        public var score: Double
    }

    public var chunk: KnowledgeChunk
    /// The score it was ranked by: fused in hybrid mode, else the one ranking's.
    public var score: Double
    /// Nil when the passage was not among that ranking's candidates (or the mode did not run it).
    public var lexical: Place?
    public var dense: Place?
}
