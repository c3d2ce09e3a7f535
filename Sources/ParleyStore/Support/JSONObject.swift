import Foundation
import ParleyCore
import SQLKit

/// A JSON object column (JSONB on PostgreSQL, JSON text on SQLite).
///
/// The database drivers store a value as JSON only when it encodes as a keyed container, so
/// this wrapper always does: storing a bare `JSONValue` could land a string or an array in a
/// JSON column as a scalar or a PostgreSQL array instead.
struct JSONObject: Codable, Sendable, Equatable {
    var fields: [String: JSONValue]

    init(_ value: JSONValue) {
        if case .object(let object) = value { fields = object } else { fields = ["value": value] }
    }

    var value: JSONValue { .object(fields) }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var fields: [String: JSONValue] = [:]
        for key in container.allKeys { fields[key.stringValue] = try container.decode(JSONValue.self, forKey: key) }
        self.fields = fields
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in fields { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}

extension JSONObject {
    /// This object bound as its JSON text, written by `JSONText` instead of through
    /// `JSONEncoder`'s keyed containers: every chat turn stores three such columns, and the
    /// encoder's set-up and boxing cost more than the statements' own work. SQLite stores the
    /// text as its driver would; PostgreSQL reads it as `jsonb` through a cast.
    var bound: JSONTextBind { JSONTextBind(text: value.jsonString) }
}

/// A bind of JSON text into a JSON column (`jsonb` on PostgreSQL, text on SQLite).
struct JSONTextBind: SQLExpression {
    let text: String

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(bind: text)
        if serializer.dialect.name == "postgresql" { serializer.write("::jsonb") }
    }
}
