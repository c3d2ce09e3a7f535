import Foundation
import ParleyCore
import Testing

@Suite("Hexadecimal text of bytes")
struct HexEncodingTests {
    @Test func matchesFormattedBytesForRandomInput() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 16, 32, 33, 257] {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            #expect(bytes.hexString == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect([0x00, 0x0f, 0xa0, 0xff].hexString == "000fa0ff")
    }
}
