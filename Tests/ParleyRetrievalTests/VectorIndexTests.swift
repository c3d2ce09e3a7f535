import Foundation
import ParleyCore
import ParleyRetrieval
import ParleyTestSupport
import Testing

@Suite("Vector index")
struct VectorIndexTests {
    let a = ChunkID(), b = ChunkID(), c = ChunkID()

    func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    @Test func ranksByCosineAndHonoursAgentScope() {
        var index = VectorIndex(dimension: 3)
        index.add(a, vector: unit([1, 0, 0]), agent: nil)
        index.add(b, vector: unit([1, 1, 0]), agent: "support")
        index.add(c, vector: unit([0, 0, 1]), agent: nil)
        let query = unit([1, 0.2, 0])
        let all = index.search(query, agent: "support", limit: 3)
        #expect(all.map(\.id) == [a, b, c])
        // cos([1,0.2,0], [1,1,0]) = 1.2 / (sqrt(1.04) * sqrt(2))
        #expect(abs(all[1].score - 1.2 / (1.04.squareRoot() * 2.0.squareRoot())) < 1e-6)
        #expect(abs(all[2].score) < 1e-6)
        // The sales agent cannot see the support-only row.
        #expect(index.search(query, agent: "sales", limit: 3).map(\.id) == [a, c])
        #expect(index.search(query, agent: "sales", limit: 1).map(\.id) == [a])
    }

    @Test func removalMovesTheLastRowAndReplacementOverwrites() {
        var index = VectorIndex(dimension: 2)
        index.add(a, vector: [1, 0], agent: nil)
        index.add(b, vector: [0, 1], agent: nil)
        index.add(c, vector: unit([1, 1]), agent: nil)
        index.remove(a)
        #expect(index.count == 2)
        #expect(index.search([1, 0], agent: nil, limit: 5).map(\.id) == [c, b])
        index.add(b, vector: [1, 0], agent: nil)
        #expect(index.count == 2)
        #expect(index.search([1, 0], agent: nil, limit: 1).map(\.id) == [b])
        index.remove(ChunkID())
        #expect(index.count == 2)
    }

    @Test func topKKeepsTheBestOfManyRows() {
        var index = VectorIndex(dimension: 2)
        var ids: [ChunkID] = []
        for step in 0 ..< 500 {
            let angle = Float(step) / 500 * .pi / 2
            let id = ChunkID()
            ids.append(id)
            index.add(id, vector: [cos(angle), sin(angle)], agent: nil)
        }
        let hits = index.search([1, 0], agent: nil, limit: 4)
        #expect(hits.map(\.id) == Array(ids.prefix(4)))
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
}

extension VectorIndexTests {
    /// The half-precision prefilter must never change the result: compare with a brute-force
    /// float32 search on clustered vectors full of near-ties.
    @Test func resultsEqualABruteForceFloat32Search() async throws {
        let mismatches = try await offPool { Self.bruteForceMismatches() }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Searches clustered random vectors and describes every query whose result differs from
    /// a brute-force float32 ranking (empty when all agree).
    static func bruteForceMismatches() -> [String] {
        func unit(_ values: [Float]) -> [Float] {
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return values.map { $0 / norm }
        }
        var generator = SystemRandomNumberGenerator()
        let dimension = 40
        let centre = unit((0 ..< dimension).map { _ in Float.random(in: -1 ... 1, using: &generator) })
        var index = VectorIndex(dimension: dimension)
        var stored: [(ChunkID, [Float])] = []
        for _ in 0 ..< 3000 {
            let vector = unit(centre.map { $0 + Float.random(in: -0.02 ... 0.02, using: &generator) })
            let id = ChunkID()
            stored.append((id, vector))
            index.add(id, vector: vector, agent: nil)
        }
        var mismatches: [String] = []
        for query in 0 ..< 50 {
            let vector = unit(centre.map { $0 + Float.random(in: -0.05 ... 0.05, using: &generator) })
            let expected = stored.map { id, row in (id, zip(vector, row).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
                .sorted { $0.1 > $1.1 }.prefix(10)
            let found = index.search(vector, agent: nil, limit: 10)
            // Same scores in the same order (ids may swap only between exactly tied rows).
            for (hit, truth) in zip(found, expected) where abs(Float(hit.score) - truth.1) >= 1e-5 {
                mismatches.append("query \(query): \(hit.score) where brute force has \(truth.1)")
            }
            if found.count != expected.count { mismatches.append("query \(query): \(found.count) results") }
        }
        return mismatches
    }
}
