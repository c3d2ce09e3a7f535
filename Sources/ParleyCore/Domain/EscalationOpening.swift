import Foundation

/// An escalation a chat turn opens in the same write as its answer, with what its notice tells
/// the visitor and the operators (``HandoffChange/escalated(_:expectedWait:staffed:)``).
///
/// Opened after the answer, the escalation was two more writes (its row, then its event): on
/// PostgreSQL two more round trips and commits for every escalated conversation. The answer's
/// write can carry both, because the turn knows before it stores the answer that it escalates.
public struct EscalationOpening: Sendable, Equatable {
    /// Its `messageID` is the answer's, which the store fills in.
    public var escalation: Escalation
    public var expectedWait: Duration?
    /// False outside the tenant's business hours (the widget offers the lead form instead).
    public var staffed: Bool

    public init(escalation: Escalation, expectedWait: Duration?, staffed: Bool) {
        self.escalation = escalation
        self.expectedWait = expectedWait
        self.staffed = staffed
    }
}

/// What an answer's write did with the escalation it was given.
public enum EscalationOpeningOutcome: Sendable, Equatable {
    /// Stored with its event, which is left to publish.
    case opened(HandoffRecord)
    /// The conversation already had an open escalation: nothing was written for it, nothing to announce.
    case alreadyOpen
    /// The store wrote the answer alone: the caller opens the escalation as it would without one.
    case notAttempted
}
