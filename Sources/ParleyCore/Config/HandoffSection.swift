import Foundation

extension ParleyConfig {
    /// When a conversation is handed to a person (seed 004's thresholds). A tenant's settings
    /// override each (`handoff.escalate_below`, `handoff.refuse_below`, `handoff.message`).
    public struct HandoffSection: Sendable, Codable, Equatable {
        /// An answer scoring below this escalates its conversation.
        public var escalateBelow = 0.6
        /// An answer scoring below this is withheld: the visitor gets `message` instead.
        public var refuseBelow = 0.3
        /// What a visitor reads instead of an answer too unsure to give (tenant settings: `handoff.message`).
        public var message = "I'm not sure enough to answer that correctly, so I've asked a colleague to look at it. "
            + "If you leave your e-mail address, we'll get back to you."

        /// Visitors' live channels (`GET /a/{agent}/session/events`) open at once in each process,
        /// per tenant and per client address: each is a long-lived connection.
        public var channelsPerTenant = 2_000
        public var channelsPerIP = 16
        /// With a model configured, one more call per answer asks the model how well its answer
        /// addresses the question (the confidence's coherence) and whether a person should take
        /// over. It costs a short call per turn and delays `done` by it.
        public var selfCheck = true

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case message
            case escalateBelow = "escalate_below", refuseBelow = "refuse_below"
            case channelsPerTenant = "channels_per_tenant", channelsPerIP = "channels_per_ip", selfCheck = "self_check"
        }
    }
}
