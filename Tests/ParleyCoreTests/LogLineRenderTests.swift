import Foundation
import Logging
@testable import ParleyCore
import Testing

/// The log line written field by field is the line the dictionary-and-encoder version wrote,
/// byte for byte, and its timestamp is Foundation's.
@Suite("Log line rendering")
struct LogLineRenderTests {
    /// The rendering before it was written field by field: a dictionary of the fields, encoded by `JSONText`.
    static func reference(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata,
                          redactor: Redactor, now: Date) -> String {
        var object: [String: JSONValue] = [
            "timestamp": .string(now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            "level": .string(level.rawValue.uppercased()),
            "message": .string(redactor.redact(JSONLLogHandler.bounded(message, to: JSONLLogHandler.maxMessageBytes))),
            "logger": .string(label),
        ]
        for (key, value) in metadata {
            var entry = JSONLLogHandler.json(value)
            if case .string(let text) = entry { entry = .string(JSONLLogHandler.bounded(text, to: JSONLLogHandler.maxFieldBytes)) }
            object[key] = redactor.redact(entry)
        }
        if case .string(let latency)? = object["latency_ms"], let number = Double(latency) { object["latency_ms"] = .number(number) }
        return JSONValue.object(object).jsonString
    }

    @Test func linesMatchTheDictionaryRendering() {
        let keys = ["event", "status", "latency_ms", "request_id", "tenant", "message", "timestamp", "level", "logger", "é", "Z", "a b", "\u{1}"]
        let values: [Logger.Metadata.Value] = [
            "http_request", "201", "12", "4.5", "abc", "mail jane@example.com", "call +1 415 555 0199", "postgres://u:secret@db/x",
            "Bearer abc.def", "tab\there", "quote \" and \\\\", "", .stringConvertible(42), .stringConvertible(2.5),
            .array(["a", "b@example.org"]), .dictionary(["password": "hunter2", "n": .stringConvertible(1)]),
            .string(String(repeating: "x", count: JSONLLogHandler.maxFieldBytes + 10)),
        ]
        let redactor = Redactor(knownSecrets: ["super-secret-value-123"])
        var random = SplitMix64(seed: 3)
        for _ in 0..<3_000 {
            var metadata: Logger.Metadata = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                metadata[keys.randomElement(using: &random)!] = values.randomElement(using: &random)!
            }
            let message = ["GET /a/sales/chat", "quote \"x\"", "", "my number is 030 1234 5678", "é ü"].randomElement(using: &random)!
            let level = [Logger.Level.debug, .info, .warning, .error].randomElement(using: &random)!
            let now = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &random)) / 1000 + 0.0003)
            let line = JSONLLogHandler.render(level: level, message: message, label: "parley.test", metadata: metadata, redactor: redactor, now: now)
            #expect(line == Self.reference(level: level, message: message, label: "parley.test", metadata: metadata, redactor: redactor, now: now))
        }
    }

    @Test func timestampsAreFoundationsWithMillisecondsCut() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var random = SplitMix64(seed: 9)
        for _ in 0..<20_000 {
            // Whole milliseconds plus a fraction of one that stays clear of the next, before and after 1970.
            let millis = Int64.random(in: -2_000_000_000_000...4_102_444_800_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000 + 0.0004)
            #expect(UTCTimestamp.milliseconds(date) == date.formatted(style), "\(millis)")
        }
        #expect(UTCTimestamp.milliseconds(Date(timeIntervalSince1970: 1_733_553_654.1529)) == "2024-12-07T06:40:54.152Z")
        #expect(UTCTimestamp.milliseconds(Date(timeIntervalSince1970: -0.0004)) == "1969-12-31T23:59:59.999Z")
    }
}
