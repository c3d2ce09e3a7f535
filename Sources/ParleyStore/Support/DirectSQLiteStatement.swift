import Foundation
import FluentKit
import NIOCore
import ParleyCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import VaporCSQLite

/// One statement run on an open `sqlite3` handle, on the thread that owns the connection:
/// prepared (or kept from before), bound, stepped to the end and reset, its rows collected.
/// Values are bound and read exactly as sqlite-nio does (the same `SQLiteData` for the same
/// column types), so rows written one way read back the other.
enum DirectSQLiteStatement {
    static func run(_ sql: String, binds: [SQLiteData], on db: OpaquePointer,
                    statements: PreparedSQLiteStatements) throws -> [DirectSQLiteRow] {
        let (prepared, kept) = try statements.statement(sql, on: db)
        guard let statement = prepared else { return [] }   // only a comment or white space
        defer {
            if kept {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        for (index, value) in binds.enumerated() {
            let status = bind(value, at: Int32(index + 1), in: statement)
            guard status == SQLITE_OK else { throw DirectSQLiteError(db, status: status) }
        }
        var rows: [DirectSQLiteRow] = []
        var columns: DirectSQLiteColumns?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw DirectSQLiteError(db, status: status) }
            // Read after the first step: a kept statement is prepared again there when the
            // schema changed, and `SELECT *` may then have other columns.
            let names = columns ?? DirectSQLiteColumns(names: (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
                sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
            })
            columns = names
            rows.append(DirectSQLiteRow(columns: names, values: try (0..<Int32(names.names.count)).map { try value(at: $0, in: statement) }))
        }
    }

    private static func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number): sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text): sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let bytes):
            bytes.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient) }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(at column: Int32, in statement: OpaquePointer) throws -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { throw DirectSQLiteError(message: "a text column without text") }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    /// SQLite copies bound text and blobs before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// The column names of one statement's rows, shared by its rows.
final class DirectSQLiteColumns: Sendable {
    let names: [String]
    let offsets: [String: Int]

    init(names: [String]) {
        self.names = names
        self.offsets = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A row read by ``DirectSQLiteStatement``, decoded as SQLiteKit decodes its own rows.
struct DirectSQLiteRow: SQLRow {
    let columns: DirectSQLiteColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.offsets[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        columns.offsets[column].map { values[$0] == .null } ?? true
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let offset = columns.offsets[column] else { throw DirectSQLiteError(message: "no column \(column) in the row") }
        // Ids are stored as text: read without Foundation's `sscanf`-based parser when the text
        // is a UUID's; anything else takes SQLiteKit's way and fails or succeeds as it would.
        if case .text(let text) = values[offset] {
            if D.self == UUID.self, let uuid = UUID(text: text) { return uuid as! D }
            if let backed = D.self as? any UUIDBacked.Type, let uuid = UUID(text: text) { return backed.init(uuid) as! D }
        }
        return try Self.decoder.decode(D.self, from: values[offset])
    }

    /// SQLiteKit's default decoder, made once (each holds a `JSONDecoder`), not per column read.
    private static let decoder = SQLiteDataDecoder()
}

/// A statement SQLite refused, with its result code and SQLite's message (which names tables,
/// columns and constraints, never values).
struct DirectSQLiteError: Error, DatabaseError, CustomStringConvertible {
    let code: Int32
    let message: String

    init(_ db: OpaquePointer, status: Int32) {
        code = status
        message = sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "SQLite error \(status)"
    }

    init(message: String) {
        code = SQLITE_ERROR
        self.message = message
    }

    var description: String { "SQLite: \(message) (code \(code))" }

    /// The primary result code (the low byte of an extended one).
    private var primary: Int32 { code & 0xff }

    var isSyntaxError: Bool { primary == SQLITE_ERROR || primary == SQLITE_SCHEMA }
    var isConnectionClosed: Bool { primary == SQLITE_MISUSE || primary == SQLITE_CANTOPEN }
    var isConstraintFailure: Bool { primary == SQLITE_CONSTRAINT }
}
