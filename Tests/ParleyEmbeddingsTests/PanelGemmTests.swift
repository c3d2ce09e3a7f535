import ParleyCore
@testable import ParleyEmbeddings
import Testing

/// The dense-layer kernel against a plain double-precision product, on ragged shapes: rows not
/// a multiple of the 4-row tile, columns not a multiple of the 24-column panel, C wider than n.
@Suite("Panel GEMM")
struct PanelGemmTests {
    struct Problem {
        let m: Int, n: Int, k: Int
        let a: [Float], b: [Float]
        /// C's row stride: two columns wider than n, to catch writes past the last column.
        var ldc: Int { n + 2 }

        init(m: Int, n: Int, k: Int, seed: UInt64) {
            self.m = m
            self.n = n
            self.k = k
            var generator = SplitMix64(seed: seed)
            a = (0..<(m * k)).map { _ in Float.random(in: -1..<1, using: &generator) }
            b = (0..<(n * k)).map { _ in Float.random(in: -1..<1, using: &generator) }
        }

        func expected(row: Int, column: Int) -> Double {
            (0..<k).reduce(0.0) { $0 + Double(a[row * k + $1]) * Double(b[column * k + $1]) }
        }

        /// C after `A · Bᵀ` (added to `initial` when accumulating) through `threads` threads.
        func run(threads: Int, accumulate: Bool, initial: Float) -> [Float] {
            let matrix = b.withUnsafeBufferPointer { PanelMatrix(packing: $0.baseAddress!, columns: n, depth: k) }
            var c = [Float](repeating: initial, count: m * ldc)
            a.withUnsafeBufferPointer { a in
                c.withUnsafeMutableBufferPointer { c in
                    WorkSplitter(threads: threads).gemmTransposed(m: m, a: a.baseAddress!, lda: k, weight: matrix,
                                                                  accumulate: accumulate, c: c.baseAddress!, ldc: ldc)
                }
            }
            return c
        }
    }

    @Test(arguments: [(1, 24, 8), (3, 50, 37), (7, 24, 384), (23, 97, 64), (70, 48, 19), (131, 30, 40), (300, 25, 16)])
    func matchesAPlainProduct(shape: (Int, Int, Int)) {
        let problem = Problem(m: shape.0, n: shape.1, k: shape.2, seed: UInt64(shape.0 * 1_000 + shape.1))
        let overwritten = problem.run(threads: 1, accumulate: false, initial: .nan)
        let accumulated = problem.run(threads: 1, accumulate: true, initial: 0.5)
        var worst = 0.0
        for row in 0..<problem.m {
            for column in 0..<problem.n {
                let index = row * problem.ldc + column
                let expected = problem.expected(row: row, column: column)
                worst = max(worst, abs(Double(overwritten[index]) - expected), abs(Double(accumulated[index]) - 0.5 - expected))
            }
            for column in problem.n..<problem.ldc {
                #expect(overwritten[row * problem.ldc + column].isNaN, "row \(row): column \(column) past n was written")
                #expect(accumulated[row * problem.ldc + column] == 0.5, "row \(row): column \(column) past n was written")
            }
        }
        #expect(worst <= 1e-5 * Double(problem.k), "shape \(shape): worst absolute error \(worst)")
    }

    @Test(arguments: [(5, 200, 64), (130, 72, 96), (513, 48, 32)])
    func threadsDoNotChangeAnyBit(shape: (Int, Int, Int)) {
        // Small m splits the panels over the threads; large m splits the rows.
        let problem = Problem(m: shape.0, n: shape.1, k: shape.2, seed: 7)
        let alone = problem.run(threads: 1, accumulate: true, initial: 1)
        #expect(problem.run(threads: 2, accumulate: true, initial: 1) == alone)
        #expect(problem.run(threads: 3, accumulate: true, initial: 1) == alone)
    }
}
