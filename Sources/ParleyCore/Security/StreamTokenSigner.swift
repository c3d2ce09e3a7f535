import Crypto
import Foundation

/// Makes and checks the `stream_id` that links a chat POST to its SSE GET.
///
/// The token carries the id of the visitor's message it answers (`streamID`), tenant, session
/// and expiry, followed by an HMAC-SHA256 over all of them with the server secret. A forged,
/// altered or expired token is rejected before any database work; single use is enforced by
/// redeeming the message's row.
public struct StreamTokenSigner: Sendable {
    private let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("parley-stream-id:" + secret).utf8)))
    }

    public struct Claims: Sendable, Equatable {
        public var streamID: StreamID
        public var tenantID: TenantID
        public var sessionID: SessionID
        public var expiresAt: Date

        public init(streamID: StreamID, tenantID: TenantID, sessionID: SessionID, expiresAt: Date) {
            self.streamID = streamID
            self.tenantID = tenantID
            self.sessionID = sessionID
            self.expiresAt = expiresAt
        }
    }

    public enum Failure: Error, Equatable, Sendable {
        case malformed, badSignature, expired
    }

    public func sign(_ claims: Claims) -> String {
        let payload = Self.payload(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return payload.base64URLEncoded() + "." + Data(mac).base64URLEncoded()
    }

    public func verify(_ token: String, now: Date = Date()) throws(Failure) -> Claims {
        guard token.count <= 256 else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = Data(base64URLEncoded: String(parts[0])), payload.count == 56,
              let mac = Data(base64URLEncoded: String(parts[1])) else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else {
            throw .badSignature
        }
        let claims = Self.claims(from: payload)
        guard claims.expiresAt > now else { throw .expired }
        return claims
    }

    private static func payload(_ claims: Claims) -> Data {
        var data = Data()
        for uuid in [claims.streamID.uuid, claims.tenantID.uuid, claims.sessionID.uuid] {
            withUnsafeBytes(of: uuid.uuid) { data.append(contentsOf: $0) }
        }
        var seconds = Int64(claims.expiresAt.timeIntervalSince1970.rounded(.up)).bigEndian
        withUnsafeBytes(of: &seconds) { data.append(contentsOf: $0) }
        return data
    }

    private static func claims(from payload: Data) -> Claims {
        let bytes = [UInt8](payload)
        func uuid(at offset: Int) -> UUID {
            let b = Array(bytes[offset..<offset + 16])
            return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                               b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        }
        let seconds = bytes[48..<56].reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        return Claims(streamID: StreamID(uuid(at: 0)), tenantID: TenantID(uuid(at: 16)),
                      sessionID: SessionID(uuid(at: 32)), expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
