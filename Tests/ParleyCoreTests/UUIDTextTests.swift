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
}
