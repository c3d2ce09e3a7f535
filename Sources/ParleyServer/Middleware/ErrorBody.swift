import ParleyCore
import Vapor

/// The JSON shape of every error Parley returns: `{"error": {"code", "message"}}`.
struct ErrorBody: Content {
    struct Detail: Codable {
        var code: String
        var message: String
    }

    var error: Detail
    private var retryAfterSeconds: Int?

    init(_ error: ParleyError) {
        self.error = Detail(code: error.code, message: error.message)
        retryAfterSeconds = error.retryAfterSeconds
    }

    enum CodingKeys: String, CodingKey { case error }

    func response(status: HTTPResponseStatus) -> Response {
        let response = Response(status: status)
        try? response.content.encode(self, as: .json)
        if let retryAfterSeconds { response.headers.replaceOrAdd(name: .retryAfter, value: String(max(1, retryAfterSeconds))) }
        return response
    }
}
