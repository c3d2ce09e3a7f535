import Foundation
import PostgresNIO

/// A serialised SQLKit statement that can run prepared: a plain SELECT, INSERT, UPDATE,
/// DELETE, VALUES or WITH statement whose binds are all NULL or values PostgresNIO encodes
/// itself (how PostgresKit sends them too), so that the prepared statement means exactly what
/// the unnamed one meant.
struct PreparableStatement: Sendable {
    let key: PostgresStatementNames.Key
    /// The binds, encoded as PostgresKit encodes them for an unnamed statement.
    let bindings: PostgresBindings

    /// Longer texts (bulk inserts) run unnamed.
    static let maximumTextLength = 8_192

    /// The keywords a statement PostgreSQL can prepare starts with.
    static let preparableKeywords: Set<String> = ["select", "insert", "update", "delete", "values", "with"]

    init?(text: String, binds: [any Encodable & Sendable]) throws {
        guard text.utf8.count <= Self.maximumTextLength,
              let keyword = text.split(maxSplits: 1, whereSeparator: { $0.isWhitespace || $0 == "(" }).first,
              Self.preparableKeywords.contains(keyword.lowercased()) else { return nil }
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            // PostgresKit's order: its own encoding for values PostgresNIO encodes (an optional
            // holding one casts to it), a NULL of the wrapped type for nil; anything else it
            // encodes another way, and the statement runs unnamed.
            if try Self.appendCommon(bind, types: &types, bindings: &bindings) { continue }
            if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                types.append(value.psqlType.rawValue)
                try bindings.append(value, context: .default)
            } else if let optional = bind as? any NullableBind, optional.isNull, let type = type(of: optional).nullType {
                types.append(type.rawValue)
                bindings.append(PostgresData(type: type))
            } else {
                return nil
            }
        }
        self.key = .init(text: text, parameterTypes: types)
        self.bindings = bindings
    }

    /// The bind's encoding when it is (or an optional holds) one of the types most statements
    /// bind: a cast to a concrete type is cheaper than the look-up of its conformance to
    /// PostgresNIO's protocol, which each bind of every statement paid. The encoding is the one
    /// the protocol's would give.
    private static func appendCommon(_ bind: any Encodable & Sendable, types: inout [UInt32], bindings: inout PostgresBindings) throws -> Bool {
        func append<Value: PostgresEncodable>(_ value: Value) throws {
            types.append(Value.psqlType.rawValue)
            try bindings.append(value, context: .default)
        }
        switch bind {
        case let value as UUID: try append(value)
        case let value as String: try append(value)
        case let value as Date: try append(value)
        case let value as Int: try append(value)
        case let value as Int64: try append(value)
        case let value as Bool: try append(value)
        case let value as Double: try append(value)
        default: return false
        }
        return true
    }
}

/// An optional bind, which PostgresKit sends as a NULL of its wrapped type when it is nil.
protocol NullableBind {
    var isNull: Bool { get }
    static var nullType: PostgresDataType? { get }
}

extension Optional: NullableBind {
    var isNull: Bool { self == nil }
    static var nullType: PostgresDataType? { (Wrapped.self as? any PostgresEncodable.Type)?.psqlType }
}

/// One named statement as PostgresNIO prepares and executes it: the name and text of `Slot`.
struct SlotStatement<Slot: StatementSlot>: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static var name: String { PostgresStatementNames.shared.statement(of: Slot.self).name }
    static var sql: String { PostgresStatementNames.shared.statement(of: Slot.self).text }

    let statement: PreparableStatement

    func makeBindings() -> PostgresBindings { statement.bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
