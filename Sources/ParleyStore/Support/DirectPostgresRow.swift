import Foundation
import PostgresKit
import PostgresNIO
import SQLKit

/// A row of a prepared statement (``PreparingPostgresDatabase``) as SQLKit reads it, with the
/// column types Parley's statements return decoded by PostgresNIO directly.
///
/// PostgresKit's row decodes every value through its general translation: a coding path, a
/// user-info dictionary and dynamic casts to find the type's decoder, about 1.5% of the server's
/// CPU at 64 visitors on PostgreSQL, for ids, texts, times and counts. Here those types, met in
/// the column types that hold them, go straight to the cell's decoder; anything else (JSON into a
/// `Decodable`, `numeric` as `Double`, Fluent's enums) takes PostgresKit's way as before.
struct DirectPostgresRow: SQLRow {
    private let row: PostgresRow
    private let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        guard cells.contains(column) else { return try row.sql().decode(column: column, as: T.self) }
        let cell = cells[column]
        if let value = try Self.direct(cell, as: T.self) { return value }
        return try row.sql().decode(column: column, as: T.self)
    }

    /// The value when `T` is one of the types decoded here and the cell holds it in its own
    /// column type; nil to leave it to PostgresKit. For these, PostgresKit would end in the same
    /// decoder (none of its workarounds applies to them).
    private static func direct<T>(_ cell: PostgresCell, as _: T.Type) throws -> T? {
        switch cell.dataType {
        case .uuid: try direct(cell, as: T.self, ifItIs: UUID.self)
        case .text, .varchar: try direct(cell, as: T.self, ifItIs: String.self)
        case .int8, .int4, .int2: try direct(cell, as: T.self, ifItIs: Int64.self) ?? direct(cell, as: T.self, ifItIs: Int.self)
        case .timestamptz, .timestamp: try direct(cell, as: T.self, ifItIs: Date.self)
        case .bool: try direct(cell, as: T.self, ifItIs: Bool.self)
        default: nil
        }
    }

    /// The value when `T` is `Value` or `Value?`; nil otherwise.
    private static func direct<T, Value: PostgresDecodable>(_ cell: PostgresCell, as _: T.Type, ifItIs _: Value.Type) throws -> T?
    where Value._DecodableType == Value {
        if T.self == Value.self { return same(try cell.decode(Value.self), as: T.self) }
        if T.self == Value?.self { return same(try cell.decode(Value?.self), as: T.self) }
        return nil
    }

    /// `value` as `T`, which the caller has just found to be its type.
    private static func same<Value, T>(_ value: Value, as _: T.Type) -> T {
        unsafeBitCast(value, to: T.self)
    }
}
