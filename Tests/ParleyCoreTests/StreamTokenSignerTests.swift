import Foundation
import ParleyCore
import Testing

@Suite("Signed stream ids")
struct StreamTokenSignerTests {
    let signer = StreamTokenSigner(secret: "test-secret-that-is-long-enough")
    let claims = StreamTokenSigner.Claims(streamID: StreamID(), tenantID: TenantID(), sessionID: SessionID(),
                                          expiresAt: Date().addingTimeInterval(60))

    @Test func roundTrip() throws {
        let token = signer.sign(claims)
        let verified = try signer.verify(token)
        #expect(verified.streamID == claims.streamID)
        #expect(verified.tenantID == claims.tenantID)
        #expect(verified.sessionID == claims.sessionID)
    }

    @Test func alteredTokenIsRejected() {
        let token = signer.sign(claims)
        var bytes = Array(token)
        bytes[5] = bytes[5] == "A" ? "B" : "A"
        #expect(throws: StreamTokenSigner.Failure.badSignature) { try signer.verify(String(bytes)) }
    }

    @Test func otherSecretIsRejected() {
        let token = StreamTokenSigner(secret: "another-secret-entirely!").sign(claims)
        #expect(throws: StreamTokenSigner.Failure.badSignature) { try signer.verify(token) }
    }

    @Test func expiredTokenIsRejected() {
        let token = signer.sign(claims)
        #expect(throws: StreamTokenSigner.Failure.expired) { try signer.verify(token, now: Date().addingTimeInterval(120)) }
    }

    @Test(arguments: ["", "abc", "a.b.c", String(repeating: "x", count: 300), "!!!.???", "AAAA.BBBB"])
    func garbageIsMalformed(_ token: String) {
        #expect(throws: StreamTokenSigner.Failure.self) { try signer.verify(token) }
    }

    @Test func keysAreRandomAndHashesStable() {
        let a = KeyMaterial.randomKey(prefix: "sk_")
        let b = KeyMaterial.randomKey(prefix: "sk_")
        #expect(a != b)
        #expect(a.hasPrefix("sk_") && a.count > 40)
        #expect(KeyMaterial.hash(a) == KeyMaterial.hash(a))
        #expect(KeyMaterial.hash(a).count == 64)
    }
}
