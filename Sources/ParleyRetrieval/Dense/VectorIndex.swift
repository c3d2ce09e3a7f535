import CBLAS
import Foundation
import ParleyCore

/// Exact nearest-neighbour search over unit vectors kept in one contiguous row-major matrix,
/// so a query is a single matrix-vector product (BLAS `sgemv`) plus a top-k selection.
/// Rows are tagged with the agent scope of their chunk; removal moves the last row into the gap.
public struct VectorIndex: Sendable {
    public let dimension: Int
    private var matrix: [Float] = []
    private var ids: [ChunkID] = []
    private var agents: [String?] = []
    private var rows: [ChunkID: Int] = [:]

    public init(dimension: Int) {
        precondition(dimension > 0, "a vector index needs a positive dimension")
        self.dimension = dimension
    }

    public var count: Int { ids.count }

    /// Adds a vector, replacing any earlier one with the same id.
    public mutating func add(_ id: ChunkID, vector: [Float], agent: String?) {
        precondition(vector.count == dimension, "vector of dimension \(vector.count) in a \(dimension)-d index")
        if let row = rows[id] {
            matrix.replaceSubrange(row * dimension ..< (row + 1) * dimension, with: vector)
            agents[row] = agent
            return
        }
        rows[id] = ids.count
        ids.append(id)
        agents.append(agent)
        matrix.append(contentsOf: vector)
    }

    public mutating func remove(_ id: ChunkID) {
        guard let row = rows.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            agents[row] = agents[last]
            rows[moved] = row
            for column in 0 ..< dimension { matrix[row * dimension + column] = matrix[last * dimension + column] }
        }
        ids.removeLast()
        agents.removeLast()
        matrix.removeLast(dimension)
    }

    /// The `limit` rows with the largest dot product with `query` (cosine for unit vectors),
    /// best first, among rows visible to `agent` (untagged rows and rows tagged with it).
    public func search(_ query: [Float], agent: String?, limit: Int) -> [ScoredChunkID] {
        precondition(query.count == dimension, "query of dimension \(query.count) in a \(dimension)-d index")
        guard !ids.isEmpty, limit > 0 else { return [] }
        var scores = [Float](repeating: 0, count: ids.count)
        matrix.withUnsafeBufferPointer { a in
            query.withUnsafeBufferPointer { x in
                scores.withUnsafeMutableBufferPointer { y in
                    cblas_sgemv(Int32(CblasRowMajor), Int32(CblasNoTrans), Int32(ids.count), Int32(dimension),
                                1, a.baseAddress, Int32(dimension), x.baseAddress, 1, 0, y.baseAddress, 1)
                }
            }
        }
        var best = TopK(limit: limit)
        for row in scores.indices {
            if let tag = agents[row], tag != agent { continue }
            best.offer(row, score: scores[row])
        }
        return best.sorted().map { ScoredChunkID(id: ids[$0.row], score: Double($0.score)) }
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
