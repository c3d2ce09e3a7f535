import Metrics
import ParleyCore

/// `parley_embedding_seconds` (one call, any number of texts) and `parley_embedded_texts_total`,
/// by provider.
enum EmbeddingMetrics {
    static func record(provider: String, texts: Int, since started: ContinuousClock.Instant) {
        Timer(label: "parley_embedding_seconds", dimensions: [("provider", provider)], preferredDisplayUnit: .seconds).recordElapsed(since: started)
        Counter(label: "parley_embedded_texts_total", dimensions: [("provider", provider)]).increment(by: texts)
    }
}
