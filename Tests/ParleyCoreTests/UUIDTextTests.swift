import Foundation
import ParleyCore
import Testing

/// A UUID's text is Foundation's, in either case.
@Suite("UUID text")
struct UUIDTextTests {
    @Test func equalsFoundationsTextOnRandomIDs() {
        for _ in 0 ..< 10_000 {
            let id = UUID()
            #expect(id.uppercaseText == id.uuidString)
            #expect(id.lowercaseText == id.uuidString.lowercased())
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in edges { #expect(id.uppercaseText == id.uuidString && id.lowercaseText == id.uuidString.lowercased()) }
        #expect(TenantID(edges[1]).description == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test func readsAnIDsTextInEitherCaseAndNothingElse() {
        for _ in 0 ..< 2_000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.lowercaseText) == id)
        }
        let valid = "0123ABCD-4567-89ab-CDEF-0123456789ab"
        #expect(UUID(text: valid) == UUID(uuidString: valid))
        let malformed = ["", valid.dropLast().description, valid + "0", "{\(valid)}", " \(valid)", valid.replacingOccurrences(of: "-", with: "_"),
                         "0123ABCD4567-89ab-CDEF-0123456789ab0", "g123ABCD-4567-89ab-CDEF-0123456789ab", "０123ABCD-4567-89ab-CDEF-0123456789ab",
                         "0123ABCD-4567-89ab-CDEF-0123456789a\u{301}"]
        for text in malformed {
            #expect(UUID(text: text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "Foundation reads \(text)")
        }
        // Random edits of a valid text: read exactly when they are still an id's text, then as
        // Foundation reads them. (Foundation's `sscanf` also takes a space or a sign in place of
        // a digit, "D531636F- 0F5-…"; this parser does not.)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEFgG-_ {}\u{301}é")
        for _ in 0 ..< 5_000 {
            var characters = Array(UUID().uuidString)
            switch Int.random(in: 0 ..< 3, using: &generator) {
            case 0: characters[Int.random(in: 0 ..< characters.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            case 1: characters.remove(at: Int.random(in: 0 ..< characters.count, using: &generator))
            default: characters.insert(alphabet.randomElement(using: &generator)!, at: Int.random(in: 0 ... characters.count, using: &generator))
            }
            let text = String(characters)
            let isIDText = text.utf8.count == 36 && text.utf8.enumerated().allSatisfy { index, byte in
                [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : Character(Unicode.Scalar(byte)).isHexDigit
            }
            #expect(UUID(text: text) == (isIDText ? UUID(uuidString: text) : nil), "\(text)")
        }
        #expect(SessionID(string: valid)?.uuid == UUID(uuidString: valid))
        #expect(SessionID(string: "not an id") == nil)
    }

    @Test func randomIDsAreVersionFourAndDistinct() {
        var seen = Set<UUID>()
        var valuesAtEachByte = Array(repeating: Set<UInt8>(), count: 16)
        for _ in 0 ..< 10_000 {
            let id = UUID.random()
            seen.insert(id)
            withUnsafeBytes(of: id.uuid) { bytes in
                #expect(bytes[6] >> 4 == 4 && bytes[8] >> 6 == 0b10)
                for (index, byte) in bytes.enumerated() { valuesAtEachByte[index].insert(byte) }
            }
            #expect(UUID(uuidString: id.uuidString) == id)
        }
        #expect(seen.count == 10_000)
        // Every byte varies (the two with fixed bits over their free bits: 16 and 64 values).
        #expect(valuesAtEachByte[6].count == 16 && valuesAtEachByte[8].count == 64)
        #expect(valuesAtEachByte.enumerated().allSatisfy { $0.offset == 6 || $0.offset == 8 || $0.element.count > 200 })
        #expect(MessageID().uuid != MessageID().uuid)
    }
}
