@testable import ParleyServer
import Testing
import Vapor

/// The JSON content-type check answers from the header's text only where Vapor's parser gives
/// the same answer.
@Suite("JSON content type")
struct JSONContentTypeTests {
    /// What the check said before it had a fast path: Vapor's parsed media type.
    static func parsed(_ headers: HTTPHeaders) -> Bool {
        guard let type = headers.contentType else { return false }
        return type.type == "application" && type.subType == "json"
    }

    @Test func theFastPathAgreesWithVaporsParser() {
        let values = ["application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8", "application/json ;x=y",
                      "Application/JSON", "application/jsonx", "application/json-patch+json", "application/problem+json", "text/plain",
                      "text/json", "application/", "/json", "", " application/json", "application/json\t", "application/json;", "json",
                      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json, text/plain", "*/*"]
        for value in values {
            var headers = HTTPHeaders()
            headers.add(name: .contentType, value: value)
            #expect(JSONRequestBody.isJSON(headers) == Self.parsed(headers), "\(value.debugDescription)")
        }
        #expect(!JSONRequestBody.isJSON(HTTPHeaders()))
        #expect(JSONRequestBody.isJSON(["Content-Type": "application/json"]) && JSONRequestBody.isJSON(["content-type": "application/json; charset=utf-8"]))
        #expect(!JSONRequestBody.isJSON(["Content-Type": "text/plain"]))
    }
}
