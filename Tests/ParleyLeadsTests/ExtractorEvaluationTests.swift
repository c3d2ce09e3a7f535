import ParleyCore
import ParleyLeads
import Testing

/// The scoring behind `parley eval leads`, on cases counted by hand: a right value, a wrong one
/// (a false positive and a miss), an extra one, a missed one; interests item by item.
@Suite("Extractor evaluation")
struct ExtractorEvaluationTests {
    @Test func countsByHand() throws {
        let text = """
            {"catalogue": ["Aurora City", "Warranty"]}
            {"message": "I'm Anna, anna@example.com", "name": "Anna", "email": "ANNA@example.com"}
            {"message": "I'm Bob", "name": "Robert"}
            {"message": "call 030 1234567"}
            {"message": "Is the Aurora City under warranty?", "interests": ["Aurora City", "Warranty"], "phone": "+49 30 1"}
            """
        let (catalogue, rows) = try ExtractorEvaluation.load(text)
        #expect(catalogue == ["Aurora City", "Warranty"] && rows.count == 4)
        let scores = ExtractorEvaluation.evaluate(ContactExtractor(catalogue: InterestCatalogue(names: catalogue)), on: rows)
        let name = try #require(scores["name"])
        #expect(name.truePositives == 1 && name.falsePositives == 1 && name.falseNegatives == 1, "Anna right; Bob for Robert is both")
        #expect(scores["email"]?.truePositives == 1 && scores["email"]?.precision == 1, "compared without case")
        let phone = try #require(scores["phone"])
        #expect(phone.truePositives == 0 && phone.falsePositives == 1 && phone.falseNegatives == 1, "an extra number, a missed one")
        #expect(scores["interests"]?.truePositives == 2 && scores["interests"]?.recall == 1)
        #expect(abs(name.precision - 0.5) < 1e-9 && abs(name.recall - 0.5) < 1e-9)
        #expect(throws: ParleyError.self) { try ExtractorEvaluation.load("{not json") }
    }
}
