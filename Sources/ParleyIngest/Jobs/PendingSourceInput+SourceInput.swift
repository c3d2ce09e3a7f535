import Foundation
import ParleyCore

extension PendingSourceInput {
    /// The stored form of a submitted input, for the source it was registered as.
    public init(_ input: SourceInput, source: KnowledgeSource) {
        let (kind, payload): (PayloadKind, Data) = switch input.payload {
        case let .text(text): (.text, Data(text.utf8))
        case let .file(data): (.file, data)
        case let .web(url): (.web, Data(url.absoluteString.utf8))
        }
        self.init(sourceID: source.id, tenantID: source.tenantID, kind: input.kind, title: input.title, locator: input.locator,
                  agentCode: input.agentCode, payloadKind: kind, payload: payload)
    }

    /// The input as the loader reads it; nil when a stored URL no longer parses.
    public var sourceInput: SourceInput? {
        let restored: SourceInput.Payload
        switch payloadKind {
        case .text: restored = .text(String(decoding: payload, as: UTF8.self))
        case .file: restored = .file(payload)
        case .web:
            guard let url = URL(string: String(decoding: payload, as: UTF8.self)) else { return nil }
            restored = .web(url)
        }
        return SourceInput(kind: kind, title: title, locator: locator, agentCode: agentCode, payload: restored)
    }
}
