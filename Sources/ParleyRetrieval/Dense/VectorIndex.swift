import CBLAS
import Dispatch
import Foundation
import ParleyCore

/// Exact nearest-neighbour search over unit vectors, tagged with the agent scope of their chunk.
///
/// A query first scans a half-precision copy of every row (half the memory traffic of float32,
/// which is what bounds a scan of 100k rows), then rescores exactly, in float32 with BLAS, every
/// row whose approximate score could still reach the top k. For unit vectors the half-precision
/// score is off by at most 2⁻¹¹ (each component's relative rounding error, summed by
/// Cauchy–Schwarz; scaled by the norms for vectors that are not unit length), so the candidates
/// are all rows within twice that of the k-th approximate score, and the result equals an exact
/// float32 search. Removal moves the last row into the gap.
public struct VectorIndex: Sendable {
    public let dimension: Int
    private var matrix: [Float] = []
    private var halves: [Float16] = []
    private var ids: [ChunkID] = []
    private var agents: [String?] = []
    private var rows: [ChunkID: Int] = [:]
    /// The largest norm of any row ever added (only grows, which keeps the bound safe).
    private var maxNorm: Float = 0

    public init(dimension: Int) {
        precondition(dimension > 0, "a vector index needs a positive dimension")
        self.dimension = dimension
    }

    public var count: Int { ids.count }

    /// Adds a vector, replacing any earlier one with the same id.
    public mutating func add(_ id: ChunkID, vector: [Float], agent: String?) {
        precondition(vector.count == dimension, "vector of dimension \(vector.count) in a \(dimension)-d index")
        maxNorm = max(maxNorm, vector.reduce(0) { $0 + $1 * $1 }.squareRoot())
        if let row = rows[id] {
            matrix.replaceSubrange(row * dimension ..< (row + 1) * dimension, with: vector)
            halves.replaceSubrange(row * dimension ..< (row + 1) * dimension, with: vector.map(Float16.init))
            agents[row] = agent
            return
        }
        rows[id] = ids.count
        ids.append(id)
        agents.append(agent)
        matrix.append(contentsOf: vector)
        halves.append(contentsOf: vector.map(Float16.init))
    }

    public mutating func remove(_ id: ChunkID) {
        guard let row = rows.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            agents[row] = agents[last]
            rows[moved] = row
            for column in 0 ..< dimension {
                matrix[row * dimension + column] = matrix[last * dimension + column]
                halves[row * dimension + column] = halves[last * dimension + column]
            }
        }
        ids.removeLast()
        agents.removeLast()
        matrix.removeLast(dimension)
        halves.removeLast(dimension)
    }

    /// The `limit` rows with the largest dot product with `query` (cosine for unit vectors),
    /// best first, among rows visible to `agent` (untagged rows and rows tagged with it).
    public func search(_ query: [Float], agent: String?, limit: Int) -> [ScoredChunkID] {
        precondition(query.count == dimension, "query of dimension \(query.count) in a \(dimension)-d index")
        guard !ids.isEmpty, limit > 0 else { return [] }
        let approximate = approximateScores(query)
        var approximateBest = TopK(limit: limit)
        for row in approximate.indices where isVisible(row, to: agent) {
            approximateBest.offer(row, score: approximate[row])
        }
        guard let kth = approximateBest.sorted().last?.score else { return [] }
        // |half-precision score − float32 score| ≤ 2⁻¹¹·‖q‖·‖v‖, plus float32 accumulation error.
        let queryNorm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let bound = queryNorm * maxNorm * (1.0 / 2048) * 1.01 + 1e-5
        let threshold = approximateBest.count < limit ? -Float.infinity : kth - 2 * bound
        var exact = TopK(limit: limit)
        matrix.withUnsafeBufferPointer { rowsPointer in
            query.withUnsafeBufferPointer { queryPointer in
                guard let base = rowsPointer.baseAddress, let x = queryPointer.baseAddress else { return }
                for row in approximate.indices where approximate[row] >= threshold && isVisible(row, to: agent) {
                    exact.offer(row, score: cblas_sdot(Int32(dimension), base + row * dimension, 1, x, 1))
                }
            }
        }
        return exact.sorted().map { ScoredChunkID(id: ids[$0.row], score: Double($0.score)) }
    }

    private func isVisible(_ row: Int, to agent: String?) -> Bool {
        KnowledgeChunk.isVisible(scope: agents[row], to: agent)
    }

    /// Rows per parallel part of a scan: below this, one thread is faster than two.
    static let rowsPerPart = 8192

    /// Half-precision dot products of `query` with every row, split over the cores.
    func approximateScores(_ query: [Float]) -> [Float] {
        let rowCount = ids.count
        var scores = [Float](repeating: 0, count: rowCount)
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, rowCount / Self.rowsPerPart))
        let dimension = dimension
        halves.withUnsafeBufferPointer { h in
            query.withUnsafeBufferPointer { x in
                scores.withUnsafeMutableBufferPointer { y in
                    guard let h = h.baseAddress, let x = x.baseAddress, let y = y.baseAddress else { return }
                    // The parts read shared memory and write disjoint slices of `y`; concurrentPerform
                    // returns only when every part is done, so the pointers outlive their use.
                    let pointers = ScanPointers(halves: h, query: x, scores: y)
                    let scan: @Sendable (Int) -> Void = { part in
                        HalfDot.scan(pointers, dimension: dimension, rows: rowCount * part / parts ..< rowCount * (part + 1) / parts)
                    }
                    if parts == 1 { scan(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: scan) }
                }
            }
        }
        return scores
    }
}

private struct ScanPointers: @unchecked Sendable {
    let halves: UnsafePointer<Float16>
    let query: UnsafePointer<Float>
    let scores: UnsafeMutablePointer<Float>
}

/// The half-precision scan kernel: 16 lanes at a time (F16C conversion and FMA on x86-64).
private enum HalfDot {
    static func scan(_ pointers: ScanPointers, dimension: Int, rows: Range<Int>) {
        let halves = UnsafeRawPointer(pointers.halves)
        let query = UnsafeRawPointer(pointers.query)
        let vectorWidth = dimension / 16 * 16
        for row in rows {
            var accumulator = SIMD16<Float>()
            let rowOffset = row * dimension
            var column = 0
            while column < vectorWidth {
                let h = halves.loadUnaligned(fromByteOffset: (rowOffset + column) * 2, as: SIMD16<Float16>.self)
                let x = query.loadUnaligned(fromByteOffset: column * 4, as: SIMD16<Float>.self)
                accumulator = accumulator.addingProduct(SIMD16<Float>(h), x)
                column += 16
            }
            var sum = accumulator.sum()
            while column < dimension {
                sum += Float(pointers.halves[rowOffset + column]) * pointers.query[column]
                column += 1
            }
            pointers.scores[row] = sum
        }
    }
}

/// Keeps the `limit` best (row, score) pairs seen so far in a min-heap.
struct TopK {
    let limit: Int
    private var heap: [(row: Int, score: Float)] = []

    init(limit: Int) {
        self.limit = limit
        heap.reserveCapacity(limit)
    }

    var count: Int { heap.count }

    mutating func offer(_ row: Int, score: Float) {
        if heap.count < limit {
            heap.append((row, score))
            siftUp(heap.count - 1)
        } else if score > heap[0].score {
            heap[0] = (row, score)
            siftDown(0)
        }
    }

    /// Best first; equal scores keep the lower row first so results are deterministic.
    func sorted() -> [(row: Int, score: Float)] {
        heap.sorted { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].score < heap[parent].score else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].score < heap[smallest].score { smallest = left }
            if right < heap.count, heap[right].score < heap[smallest].score { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
