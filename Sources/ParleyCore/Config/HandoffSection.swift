import Foundation

extension ParleyConfig {
    /// When a conversation is handed to a person (seed 004's thresholds). A tenant's settings
    /// override both (`handoff.escalate_below`, `handoff.refuse_below`).
    public struct HandoffSection: Sendable, Codable, Equatable {
        /// An answer scoring below this escalates its conversation.
        public var escalateBelow = 0.6
        /// An answer scoring below this is not given: the visitor gets the hand-over message (next slice of issue 18).
        public var refuseBelow = 0.3

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case escalateBelow = "escalate_below", refuseBelow = "refuse_below"
        }
    }
}
