import Foundation

/// A bicycle parts FAQ of 24 entries, one per part: enough self-queries to fit a tenant's dense
/// weight and to measure its retrieval.
public enum PartsFAQ {
    public static let parts = ["saddle", "chain", "battery", "motor", "brake", "tyre", "pedal", "light", "lock", "rack", "bell", "mirror",
                               "helmet", "basket", "pump", "charger", "display", "fork", "gear", "spoke", "frame", "mudguard", "kickstand", "bottle"]

    /// Question and answer of each entry.
    public static let entries: [(question: String, answer: String)] = parts.enumerated().map { index, part in
        ("How do I look after the \(part)?", "Wipe the \(part) with a damp cloth every \(index + 2) weeks and have the workshop check it each spring.")
    }

    /// The entries as a JSON FAQ source.
    public static let json: Data = {
        let objects = entries.map { ["question": $0.question, "answer": $0.answer] }
        return (try? JSONSerialization.data(withJSONObject: objects)) ?? Data("[]".utf8)
    }()
}
