import ParleyEmbeddings
import Testing

@Suite("Rank statistics")
struct StatisticsTests {
    @Test func ranksAverageTies() {
        #expect(Statistics.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    }

    @Test func spearmanOfHandComputedCases() {
        #expect(abs(Statistics.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12)
        #expect(abs(Statistics.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
        // d = (0, -2, 1, 1): rho = 1 - 6·6 / (4·15) = 0.4
        #expect(abs(Statistics.spearman([1, 2, 3, 4], [1, 4, 2, 3]) - 0.4) < 1e-12)
    }

    @Test func stsFileParsing() throws {
        let text = "g\tf\t2012\t1\t4.5\tA man runs.\tA man is running.\ng\tf\t2012\t2\t0.0\tA cat.\tStocks fell.\textra\tcolumns\n"
        let benchmark = try STSBenchmark(text: text)
        #expect(benchmark.pairs.count == 2)
        #expect(benchmark.pairs[1] == STSBenchmark.Pair(score: 0, first: "A cat.", second: "Stocks fell."))
        #expect(throws: EmbeddingError.self) { try STSBenchmark(text: "only\tthree\tfields\n") }
        #expect(throws: EmbeddingError.self) { try STSBenchmark(text: "g\tf\t2012\t1\tnot-a-number\ta\tb\n") }
    }
}
