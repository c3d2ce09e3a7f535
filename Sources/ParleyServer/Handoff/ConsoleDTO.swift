import Foundation
import ParleyCore
import Vapor

/// What the operator console's API sends, in snake_case JSON.
enum ConsoleDTO {
    struct Person: Content {
        var id: String
        var name: String

        init(_ person: OperatorIdentity) {
            id = person.id.description
            name = person.name
        }
    }

    struct Escalation: Content {
        var id: String
        var session: String
        var reason: String
        var since: Date
        var confidence: Double?
        var assignee: Person?
        var heldBy: Person?

        enum CodingKeys: String, CodingKey {
            case id, session, reason, since, confidence, assignee
            case heldBy = "held_by"
        }

        init(_ escalation: ParleyCore.Escalation) {
            id = escalation.id.description
            session = escalation.sessionID.description
            reason = escalation.reason.rawValue
            since = escalation.createdAt
            confidence = escalation.confidence
            assignee = escalation.assignee.map(Person.init)
            heldBy = escalation.holder.map(Person.init)
        }
    }

    struct Live: Content {
        var session: String
        var agent: String
        var lastActivity: Date
        var messages: Int
        var opening: String

        enum CodingKeys: String, CodingKey {
            case session, agent, messages, opening
            case lastActivity = "last_activity"
        }

        init(_ overview: ConversationOverview) {
            session = overview.session.id.description
            agent = overview.session.agentCode
            lastActivity = overview.session.lastActivityAt
            messages = overview.messageCount
            opening = overview.opening
        }
    }

    struct State: Content {
        var me: Person
        var canAct: Bool
        /// Open escalations, oldest first.
        var escalations: [Escalation]
        /// Conversations active in the last 30 minutes that wait for nobody, newest first.
        var live: [Live]
        /// Who conversations can be assigned to.
        var operators: [Person]

        enum CodingKeys: String, CodingKey {
            case me, escalations, live, operators
            case canAct = "can_act"
        }
    }

    /// One message as operators read it: the visitor's, the bot's, a person's (with their name), or a note.
    struct Line: Content {
        var id: String
        var role: String
        var text: String
        var author: String?
        var at: Date

        init(_ message: StoredMessage) {
            id = message.id.description
            role = message.role.rawValue
            text = message.content
            author = message.metadata["operator"]?["name"]?.stringValue
            at = message.createdAt
        }
    }

    struct Transcript: Content {
        var session: String
        var messages: [Line]
        var escalation: Escalation?
        var lastEventID: Int64

        enum CodingKeys: String, CodingKey {
            case session, messages, escalation
            case lastEventID = "last_event_id"
        }
    }

    struct Event: Content {
        var id: Int64
        var kind: String

        init(_ event: SessionEvent) {
            id = event.sequence
            kind = event.kind.rawValue
        }
    }

    /// What an action changed: its events (none when nothing changed) and the message it wrote.
    struct Outcome: Content {
        var events: [Event]
        var messageID: String?

        enum CodingKeys: String, CodingKey {
            case events
            case messageID = "message_id"
        }
    }
}
