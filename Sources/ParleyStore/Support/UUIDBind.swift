import Foundation
import ParleyCore
import SQLKit

/// A UUID bound as each database keeps it: on PostgreSQL the `uuid` value; on SQLite the text
/// Fluent stores there (Foundation's upper-case `uuidString`), written by ``UUID/uppercaseText``
/// and bound as a string, instead of going through the SQLite data encoder's `Encodable` path and
/// `snprintf`. Used by the chat turn's statements, which bind a dozen ids per turn.
struct UUIDBind: SQLExpression {
    let uuid: UUID

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "postgresql" {
            serializer.write(bind: uuid)
        } else {
            serializer.write(bind: uuid.uppercaseText)
        }
    }
}

extension SQLQueryString {
    /// `\(uuid: id)`: the id bound as ``UUIDBind``, or NULL.
    mutating func appendInterpolation(uuid: UUID?) {
        if let uuid {
            appendInterpolation(UUIDBind(uuid: uuid))
        } else {
            appendInterpolation(bind: UUID?.none)
        }
    }
}
