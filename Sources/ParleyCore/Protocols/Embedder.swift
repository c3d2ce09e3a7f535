import Foundation

/// Which model made a vector. Stores keep vectors of one model only and refuse others.
public struct EmbeddingModelInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var dimension: Int

    public init(name: String, dimension: Int) {
        self.name = name
        self.dimension = dimension
    }

    public var description: String { "\(name) (\(dimension)-d)" }
}

/// A vector with the model that made it.
public struct EmbeddingVector: Sendable, Hashable {
    public var values: [Float]
    public var model: EmbeddingModelInfo

    public init(values: [Float], model: EmbeddingModelInfo) {
        self.values = values
        self.model = model
    }
}

/// Turns texts into unit-length vectors. Implementations do their CPU work off the caller's
/// thread (never on a NIO event loop) and may batch concurrent callers together.
public protocol Embedder: Sendable {
    var model: EmbeddingModelInfo { get }
    func embed(_ texts: [String]) async throws -> [EmbeddingVector]
}
