import Foundation
import ParleyCore
import Testing

/// Base64url written and read by byte, checked against Foundation's base64 with the URL-safe
/// alphabet swapped in.
@Suite("Base64url")
struct Base64URLTests {
    func foundationEncoded(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func encodesAsFoundationAndReadsItsOwnTextBack() {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0 ... 70) + [255, 256, 1_000] {
            let bytes = (0 ..< length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let text = Base64URL.encode(bytes)
            #expect(text == foundationEncoded(bytes))
            #expect(Base64URL.decode(text) == bytes)
            #expect(Data(base64URLEncoded: Data(bytes).base64URLEncoded()) == Data(bytes))
        }
    }

    @Test func refusesOtherCharactersAndImpossibleLengths() {
        for text in ["QQ==", "Q", "QUJDR", "QU+C", "QU/C", "QU C", "QUé", "QU\u{301}C", "Q\0BC"] {
            #expect(Base64URL.decode(text) == nil, "\(text.debugDescription)")
        }
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("QQ") == Array("A".utf8))
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }
}
