import NIOHTTP1
import ParleyCore

extension ErrorKind {
    /// The one place where a kind of failure becomes an HTTP status.
    var httpStatus: HTTPResponseStatus {
        switch self {
        case .invalidInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .expired: .gone
        case .tooLarge: .payloadTooLarge
        case .addressTooLong: .uriTooLong
        case .rateLimited: .tooManyRequests
        case .unsupportedMediaType: .unsupportedMediaType
        case .methodNotAllowed: .methodNotAllowed
        // nginx's "client closed request": only ever logged, the client is gone.
        case .clientGone: .custom(code: 499, reasonPhrase: "Client Closed Request")
        case .upstreamFailed: .badGateway
        case .upstreamTimeout: .gatewayTimeout
        case .internalFailure: .internalServerError
        }
    }
}
