import Foundation
import ParleyCore
import Testing

/// `JSONValue.jsonString` writes JSON itself; its text must stay what `JSONEncoder` wrote
/// (stored metadata and request bodies are compared and parsed as text elsewhere).
@Suite("JSON text")
struct JSONTextTests {
    static func encoderText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let alphabet: [String] = ["a", "Z", "é", "😀", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}",
                                     "\u{7F}", "\u{2028}", " ", "<", "&", "e\u{301}", "9", "_"]

    static func randomString(_ random: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
    }

    static func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            let numbers: [Double] = [0, -0.0, 1, -3, 0.1, 1e-5, 1e21, 1e16, 2.5e-300, 123_456_789_012_345_678, 12_345.678,
                                     Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 1000]
            return .number(numbers.randomElement(using: &random)!)
        case 3: return .string(randomString(&random))
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { fields[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(fields)
        }
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var random = SplitMix64(seed: 20_261_205)
        for _ in 0..<3000 {
            let value = Self.randomValue(&random, depth: 0)
            let expected = try Self.encoderText(value)
            #expect(value.jsonString == expected, "\(value.jsonString.debugDescription) \(expected.debugDescription)")
        }
    }

    @Test func escapesOnlyWhatJSONNeedsAndRoundTrips() throws {
        let value: JSONValue = ["text": "say \"hi\"\\ <b>/x</b>\n\u{01}\u{2028} é", "n": 3, "x": .number(.infinity)]
        #expect(value.jsonString == #"{"n":3,"text":"say \"hi\"\\ <b>/x</b>\n\u0001\#u{2028} é","x":null}"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(JSONValue.object(["text": value["text"]!]).jsonString.utf8))
        #expect(decoded["text"] == value["text"])
    }

    @Test func citationsAndUsageBuildWhatTheirCodableConformancesWrite() throws {
        let citations = [Citation(number: 1, chunkID: "c1", title: "Prices \"2026\"", url: "https://shop.example/p?a=1&b=2", score: 0.8125,
                                  snippet: "From €1,899.\nDelivered"),
                         Citation(number: 2, chunkID: "c2", title: "FAQ", url: nil, score: 0, snippet: "")]
        for citation in citations { #expect(citation.jsonValue == (try JSONValue(encoding: citation))) }
        let usage = TokenUsage(promptTokens: 120, completionTokens: 75)
        #expect(usage.jsonValue == (try JSONValue(encoding: usage)))
    }
}
