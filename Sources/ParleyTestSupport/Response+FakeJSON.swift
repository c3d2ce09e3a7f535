import Foundation
import ParleyCore
import Vapor

extension Response {
    /// A JSON object answer, as the fake provider servers (Pinecone, Mailgun) send them.
    static func fakeJSON(status: Int = 200, _ object: [String: JSONValue]) -> Response {
        let response = Response(status: HTTPResponseStatus(statusCode: status))
        response.headers.contentType = .json
        response.body = .init(data: (try? JSONEncoder().encode(JSONValue.object(object))) ?? Data("{}".utf8))
        return response
    }
}
