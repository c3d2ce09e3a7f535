import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import Vapor

/// A real HTTP server speaking Pinecone's data-plane REST protocol (`/vectors/upsert`,
/// `/query` with a metadata filter, `/vectors/delete`), with exact cosine search per namespace.
/// It checks the `Api-Key` header and vector dimensions as Pinecone does, and can be told to
/// answer the next requests with error statuses.
public final class FakePineconeServer: Sendable {
    actor Index {
        var namespaces: [String: [String: (values: [Float], metadata: [String: String])]] = [:]
        var failures: [Int] = []
        var requests: [String] = []

        func nextFailure(_ path: String) -> Int? {
            requests.append(path)
            return failures.isEmpty ? nil : failures.removeFirst()
        }
        func fail(_ statuses: [Int]) { failures += statuses }
        func upsert(_ namespace: String, _ vectors: [(String, [Float], [String: String])]) {
            for (id, values, metadata) in vectors { namespaces[namespace, default: [:]][id] = (values, metadata) }
        }
        func delete(_ namespace: String, _ ids: [String]) { for id in ids { namespaces[namespace]?[id] = nil } }
        func count(_ namespace: String) -> Int { namespaces[namespace]?.count ?? 0 }
        func query(_ namespace: String, _ vector: [Float], topK: Int, allowedAgents: [String]?) -> [(String, Double)] {
            let norm = sqrt(vector.reduce(0) { $0 + Double($1 * $1) })
            return (namespaces[namespace] ?? [:]).compactMap { id, entry -> (String, Double)? in
                if let allowed = allowedAgents, !allowed.contains(entry.metadata["agent"] ?? "") { return nil }
                let dot = zip(vector, entry.values).reduce(0.0) { $0 + Double($1.0 * $1.1) }
                let other = sqrt(entry.values.reduce(0) { $0 + Double($1 * $1) })
                return (id, norm > 0 && other > 0 ? dot / (norm * other) : 0)
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(topK).map { $0 }
        }
    }

    private let server: LoopbackServer
    private let index: Index
    public var port: Int { server.port }
    public let apiKey: String
    public let dimension: Int

    public static func start(apiKey: String = "pc-test-key", dimension: Int) async throws -> FakePineconeServer {
        let index = Index()
        func guarded(_ request: Request, _ handle: (JSONValue) async -> Response) async -> Response {
            if let status = await index.nextFailure(request.url.path) {
                return Self.error(status, "injected failure")
            }
            guard request.headers.first(name: "Api-Key") == apiKey else { return Self.error(401, "Invalid API Key") }
            guard let buffer = request.body.data, let body = JSONValue.parse(Data(buffer.readableBytesView)) else {
                return Self.error(400, "Invalid request body")
            }
            return await handle(body)
        }
        let server = try await LoopbackServer.start { app in
            app.on(.POST, "vectors", "upsert", body: .collect(maxSize: "4mb")) { request async -> Response in
                await guarded(request) { body in
                    let namespace = body["namespace"]?.stringValue ?? ""
                    var vectors: [(String, [Float], [String: String])] = []
                    for item in body["vectors"]?.arrayValue ?? [] {
                        let values = (item["values"]?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) }
                        guard let id = item["id"]?.stringValue, values.count == dimension else {
                            return Self.error(400, "Vector dimension \(item["values"]?.arrayValue?.count ?? 0) does not match the dimension of the index \(dimension)")
                        }
                        var metadata: [String: String] = [:]
                        if case .object(let fields)? = item["metadata"] {
                            for (key, value) in fields { metadata[key] = value.stringValue ?? "" }
                        }
                        vectors.append((id, values, metadata))
                    }
                    await index.upsert(namespace, vectors)
                    return Self.json(["upsertedCount": .number(Double(vectors.count))])
                }
            }
            app.on(.POST, "query", body: .collect(maxSize: "4mb")) { request async -> Response in
                await guarded(request) { body in
                    let vector = (body["vector"]?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) }
                    guard vector.count == dimension, let topK = body["topK"]?.doubleValue, topK >= 1 else {
                        return Self.error(400, "Query vector dimension or topK is invalid")
                    }
                    let allowed = body["filter"]?["agent"]?["$in"]?.arrayValue?.compactMap(\.stringValue)
                    let matches = await index.query(body["namespace"]?.stringValue ?? "", vector, topK: Int(topK), allowedAgents: allowed)
                    return Self.json(["matches": .array(matches.map { .object(["id": .string($0.0), "score": .number($0.1), "values": .array([])]) }),
                                      "namespace": .string(body["namespace"]?.stringValue ?? "")])
                }
            }
            app.on(.POST, "vectors", "delete", body: .collect(maxSize: "4mb")) { request async -> Response in
                await guarded(request) { body in
                    await index.delete(body["namespace"]?.stringValue ?? "", (body["ids"]?.arrayValue ?? []).compactMap(\.stringValue))
                    return Self.json([:])
                }
            }
        }
        return FakePineconeServer(server: server, index: index, apiKey: apiKey, dimension: dimension)
    }

    private init(server: LoopbackServer, index: Index, apiKey: String, dimension: Int) {
        self.server = server
        self.index = index
        self.apiKey = apiKey
        self.dimension = dimension
    }

    public var host: String { "http://127.0.0.1:\(port)" }

    public func failNext(_ statuses: [Int]) async { await index.fail(statuses) }
    public func count(namespace: String) async -> Int { await index.count(namespace) }
    public var requests: [String] { get async { await index.requests } }

    public func stop() async { await server.stop() }

    static func json(_ object: [String: JSONValue]) -> Response {
        .fakeJSON(object)
    }

    static func error(_ status: Int, _ message: String) -> Response {
        .fakeJSON(status: status, ["code": .number(Double(status)), "message": .string(message)])
    }
}
