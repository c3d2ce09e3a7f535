import FluentKit
import Foundation
import ParleyCore

/// Row of `sources` (seed 004): one knowledge source of a tenant and its indexing status.
final class SourceModel: Model, @unchecked Sendable {
    static let schema = "sources"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @OptionalField(key: "agent_code") var agentCode: String?
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    /// The URL or file name the source was added from (what re-ingestion matches on).
    @OptionalField(key: "locator") var locator: String?
    @OptionalField(key: "url") var url: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "failure_reason") var failureReason: String?
    @OptionalField(key: "content_hash") var contentHash: String?
    /// The extracted text, kept so that chunks can be rebuilt without fetching again.
    @OptionalField(key: "content") var content: String?
    @Field(key: "chunk_count") var chunkCount: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_indexed_at") var lastIndexedAt: Date?

    init() {}

    init(_ source: KnowledgeSource, locator: String?, content: String?) {
        id = source.id.uuid
        tenantID = source.tenantID.uuid
        agentCode = source.agentCode
        kind = source.kind.rawValue
        title = source.title
        self.locator = locator
        url = source.url
        status = source.status.rawValue
        failureReason = source.failureReason
        contentHash = source.contentHash
        self.content = content
        chunkCount = source.chunkCount
        createdAt = source.createdAt
        lastIndexedAt = source.lastIndexedAt
    }

    func domain() throws -> KnowledgeSource {
        KnowledgeSource(id: SourceID(try requireID()), tenantID: TenantID(tenantID), agentCode: agentCode,
                        kind: SourceKind(rawValue: kind) ?? .text, title: title, url: url,
                        status: SourceStatus(rawValue: status) ?? .failed, failureReason: failureReason,
                        contentHash: contentHash, chunkCount: chunkCount, createdAt: createdAt, lastIndexedAt: lastIndexedAt)
    }
}

/// Row of `chunks` (seed 004's `embeddings`): a searchable piece of a source with its vector.
/// Vectors are stored as little-endian float32 bytes with the model that made them, so the
/// in-memory indexes can be rebuilt at start and a model change is detected.
final class ChunkModel: Model, @unchecked Sendable {
    static let schema = "chunks"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "source_id") var sourceID: UUID
    @OptionalField(key: "agent_code") var agentCode: String?
    @Field(key: "position") var position: Int
    @Field(key: "text") var text: String
    @Field(key: "title") var title: String
    @OptionalField(key: "url") var url: String?
    @Field(key: "heading_path") var headingPath: [String]
    @OptionalField(key: "embedding") var embedding: Data?
    @OptionalField(key: "embedding_model") var embeddingModel: String?
    @OptionalField(key: "embedding_dimension") var embeddingDimension: Int?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ stored: StoredChunk, now: Date) {
        let chunk = stored.chunk
        id = chunk.id.uuid
        tenantID = chunk.tenantID.uuid
        sourceID = chunk.sourceID.uuid
        agentCode = chunk.agentCode
        position = chunk.position
        text = chunk.text
        title = chunk.title
        url = chunk.url
        headingPath = chunk.headingPath
        embedding = stored.vector.map { VectorBytes.encode($0.values) }
        embeddingModel = stored.vector?.model.name
        embeddingDimension = stored.vector?.model.dimension
        createdAt = now
    }

    func domain() throws -> StoredChunk {
        let chunk = KnowledgeChunk(id: ChunkID(try requireID()), tenantID: TenantID(tenantID), sourceID: SourceID(sourceID),
                                   agentCode: agentCode, position: position, text: text, title: title, url: url,
                                   headingPath: headingPath)
        var vector: EmbeddingVector?
        if let embedding, let embeddingModel, let embeddingDimension {
            let values = VectorBytes.decode(embedding)
            if values.count == embeddingDimension {
                vector = EmbeddingVector(values: values, model: EmbeddingModelInfo(name: embeddingModel, dimension: embeddingDimension))
            }
        }
        return StoredChunk(chunk: chunk, vector: vector)
    }
}

/// float32 vectors as little-endian bytes.
enum VectorBytes {
    static func encode(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decode(_ data: Data) -> [Float] {
        let count = data.count / 4
        return data.withUnsafeBytes { raw in
            (0 ..< count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
