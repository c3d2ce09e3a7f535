import AsyncHTTPClient
import FluentKit
import Foundation
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyStore

/// The composition root's product: every long-lived dependency of the HTTP layer, built once
/// in `configure`. Database-backed stores are made per request (`stores(on:)`), so each request
/// uses its own event loop's connection pool.
public struct ParleyServices: Sendable {
    public let config: ParleyConfig
    public let secrets: ParleySecrets
    public let model: any ChatModel
    /// What chat turns search: the knowledge base, unless a test plugs in another retriever.
    public let retriever: any Retriever
    /// Every tenant's searchable chunks.
    public let knowledge: KnowledgeBase
    /// Where chunk vectors live (nil without embeddings).
    public let vectors: (any VectorStore)?
    /// Adds, replaces and deletes sources (database and indexes together).
    public let ingestion: IngestionService
    /// Runs API-submitted sources in the background, one at a time.
    public let ingestionQueue: IngestionQueue
    /// The configured embedder; nil with `embeddings.provider: none`.
    public let embedder: (any Embedder)?
    public let signer: StreamTokenSigner
    public let streams: StreamRegistry
    public let databaseKind: DatabaseSelection.Kind

    /// Repositories bound to one database handle.
    public struct Stores: Sendable {
        public let tenants: any TenantDirectory
        public let conversations: any ConversationStore
        public let personas: any PersonaStore
        public let agents: any AgentStore
        public let tickets: any StreamTicketStore
        public let llmLog: FluentLLMRequestLog
    }

    public func stores(on database: any Database) -> Stores {
        Stores(tenants: FluentTenantDirectory(database: database),
               conversations: FluentConversationStore(database: database),
               personas: FluentPersonaStore(database: database),
               agents: FluentAgentStore(database: database),
               tickets: FluentStreamTicketStore(database: database),
               llmLog: FluentLLMRequestLog(database: database))
    }

    public func agentResolver(_ stores: Stores) -> AgentResolver {
        AgentResolver(config: config, agents: stores.agents, personas: stores.personas)
    }

    public func turnRunner(_ stores: Stores) -> ChatTurnRunner {
        ChatTurnRunner(conversations: stores.conversations, retriever: retriever, model: model)
    }

    public func provisioner(_ stores: Stores) -> TenantProvisioner {
        TenantProvisioner(config: config, tenants: stores.tenants, personas: stores.personas, agents: stores.agents)
    }
}
