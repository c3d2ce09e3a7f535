import Foundation
import ParleyCore
import Vapor

/// Checks a chat POST before anything is written: JSON content type, a body that decodes,
/// a message that is neither empty, too long, nor full of control characters.
struct ChatRequestValidator {
    let config: ParleyConfig

    func validate(_ request: Request) throws -> ChatRequestBody {
        try JSONRequestBody.requireJSON(request, message: "Send the message as application/json.")
        let body = try JSONRequestBody.decode(ChatRequestBody.self, from: request,
                                              emptyMessage: "The request body is empty; send {\"message\": \"…\"}.",
                                              invalidMessage: "The body must be JSON like {\"message\": \"…\", \"session_key\": \"…\"}.")
        let message = body.message.trimmingWhitespaceAndNewlines()
        guard !message.isEmpty else {
            throw ParleyError.badRequest("empty_message", "The message is empty.")
        }
        guard message.count <= config.chat.maxMessageChars else {
            throw ParleyError.payloadTooLarge("The message is longer than \(config.chat.maxMessageChars) characters.")
        }
        guard !message.unicodeScalars.contains(where: Self.isForbiddenControl) else {
            throw ParleyError.badRequest("invalid_characters", "The message contains control characters.")
        }
        if let key = body.sessionKey, key.isEmpty || key.count > 128 {
            throw ParleyError.badRequest("invalid_session_key", "The session key is malformed.")
        }
        return ChatRequestBody(message: message, sessionKey: body.sessionKey)
    }

    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r") || scalar.value == 0x7F
    }
}
