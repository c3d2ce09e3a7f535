import ParleyCore
import Vapor

/// The JSON shape of every error Parley returns: `{"error": {"code", "message"}}`.
struct ErrorBody: Content {
    struct Detail: Codable {
        var code: String
        var message: String
    }

    var error: Detail

    init(_ error: ParleyError) {
        self.error = Detail(code: error.code, message: error.message)
    }

    func response(status: HTTPResponseStatus) -> Response {
        let response = Response(status: status)
        try? response.content.encode(self, as: .json)
        return response
    }
}
