import Foundation
import ParleyChat
import ParleyCore

/// Turns chat turn events into `text/event-stream` frames:
/// `token` `{"text"}`, `citations` `{"citations"}`, `done` `{"message_id", …, "lead_form"?}`, `error` `{"code", "message"}`.
enum SSEEncoding {
    static func frame(event: String, data: JSONValue) -> String {
        // JSON text never contains a raw line break, so one `data:` line is always enough.
        "event: \(event)\ndata: \(data.jsonString)\n\n"
    }

    static func frame(_ event: ChatTurnEvent, leadForm: Bool = false) -> String {
        switch event {
        case .token(let text):
            // The most frequent frame, `{"text": …}`, written without building a JSON value.
            var frame = "event: token\ndata: {\"text\":"
            JSONText.writeString(text, to: &frame)
            frame += "}\n\n"
            return frame
        case .citations(let citations):
            return frame(event: "citations", data: ["citations": .array(citations.map(\.jsonValue))])
        case .done(let result):
            guard leadForm, case .object(var fields) = summary(result) else { return frame(event: "done", data: summary(result)) }
            fields["lead_form"] = .bool(true)
            return frame(event: "done", data: .object(fields))
        case .failed(let error, let partial):
            var data: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
            if let partial, case .object(let fields) = summary(partial) {
                data["partial"] = .object(fields)
            }
            return frame(event: "error", data: .object(data))
        }
    }

    static func summary(_ result: ChatTurnResult) -> JSONValue {
        var object: [String: JSONValue] = [
            "model": .string(result.model),
            "latency_ms": .number(Double(result.latencyMs)),
            "complete": .bool(result.complete),
            "citations": .number(Double(result.citations.count)),
        ]
        if let id = result.messageID { object["message_id"] = .string(id.description) }
        if let usage = result.usage { object["usage"] = usage.jsonValue }
        if result.isUnsure { object["unsure"] = .bool(true) }
        return .object(object)
    }

    static let keepAlive = ": keep-alive\n\n"
    static let opening = ": stream open\n\n"
}
