import Foundation

/// A typed UUID so that a tenant id can never be passed where a session id is expected.
/// The phantom `Tag` costs nothing at run time and turns id mix-ups into compile errors.
public struct Identifier<Tag>: Hashable, Sendable, Codable, CustomStringConvertible, UUIDBacked {
    public let uuid: UUID

    public init(_ uuid: UUID = .random()) { self.uuid = uuid }

    public init?(string: String) {
        guard let uuid = UUID(text: string) else { return nil }
        self.uuid = uuid
    }

    public init(from decoder: any Decoder) throws {
        uuid = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uuid)
    }

    public var description: String { uuid.lowercaseText }
}

/// A value that is a UUID and nothing else (the typed ids): rows decode it from a UUID's text directly.
public protocol UUIDBacked {
    init(_ uuid: UUID)
}

public enum TenantTag {}
public enum SessionTag {}
public enum MessageTag {}
public enum PersonaTag {}
public enum AgentTag {}
public enum StreamTag {}

public typealias TenantID = Identifier<TenantTag>
public typealias SessionID = Identifier<SessionTag>
public typealias MessageID = Identifier<MessageTag>
public typealias PersonaID = Identifier<PersonaTag>
public typealias AgentID = Identifier<AgentTag>
public typealias StreamID = Identifier<StreamTag>

public enum SourceTag {}
public enum ChunkTag {}

public typealias SourceID = Identifier<SourceTag>
public typealias ChunkID = Identifier<ChunkTag>

public enum EscalationTag {}
public typealias EscalationID = Identifier<EscalationTag>
