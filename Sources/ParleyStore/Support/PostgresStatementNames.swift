import PostgresNIO
import SQLKit
import Synchronization

/// The names under which SQL statement texts are prepared on PostgreSQL, one per text and
/// parameter types for the whole process.
///
/// PostgresNIO sends every SQLKit statement as an unnamed statement, which the server parses,
/// analyses and plans on every call; for the chat turn's short statements that cost about as
/// much server time as running them. PostgresNIO also prepares statements once per connection
/// and executes them by name (`PostgresPreparedStatement`), but it knows a statement by its
/// type's static `name` and `sql`. So each name is a type: ``StatementSlot`` number *n* is the
/// type `NextSlot<…<FirstSlot>>` nested *n − 1* times, made once and kept here, and
/// ``SlotStatement`` reads its text from here by its slot's number.
///
/// Read from event loops and from PostgresNIO's statement builders, so its state sits behind
/// a `Mutex` rather than in an actor.
final class PostgresStatementNames: Sendable {
    static let shared = PostgresStatementNames()

    /// A statement's text and its parameters' types as PostgresNIO sends them: the same text
    /// bound with a NULL (sent untyped) where a value was before is another statement.
    struct Key: Hashable, Sendable {
        let text: String
        let parameterTypes: [UInt32]
    }

    private struct State {
        var numbers: [Key: Int] = [:]
        /// Index *n − 1* holds slot *n*'s text and type; a retired text keeps its slot.
        var texts: [String] = []
        var slots: [any StatementSlot.Type] = []
    }

    private let state = Mutex(State())

    /// The statement's current slot, if it has one.
    func currentSlot(for key: Key) -> (any StatementSlot.Type)? {
        state.withLock { state in state.numbers[key].map { state.slots[$0 - 1] } }
    }

    /// The statement's current slot, given now if it has none. Only a ``PreparedStatementBudget``
    /// gives slots, so that the names of a process stay bounded by its databases' budgets.
    fileprivate func slot(for key: Key) -> any StatementSlot.Type {
        state.withLock { state in
            if let number = state.numbers[key] { return state.slots[number - 1] }
            let slot = state.slots.last?.next ?? FirstSlot.self
            state.slots.append(slot)
            state.texts.append(key.text)
            state.numbers[key] = state.slots.count
            return slot
        }
    }

    /// The text prepared under slot `number`.
    func text(ofSlot number: Int) -> String {
        state.withLock { $0.texts[number - 1] }
    }

    /// Gives the statement a new slot on its next use, unless another caller did already. A
    /// connection that failed to prepare a name keeps that failure for the name (PostgresNIO
    /// does not prepare it again), so a statement that failed for a reason that can pass (a
    /// table created later, a name the server forgot) must not keep its name.
    fileprivate func retire(_ key: Key, slot number: Int) {
        state.withLock { state in
            if state.numbers[key] == number { state.numbers[key] = nil }
        }
    }
}

/// How many statement names one database's connections may prepare. A text that varies with
/// its data (a list of values written into it) must not fill every connection's memory with
/// plans: past the budget, statements run unnamed, as without preparation.
final class PreparedStatementBudget: Sendable {
    /// Names, counting each new name a retired statement gets.
    static let defaultLimit = 256

    let limit: Int
    private let names: PostgresStatementNames
    private let used = Mutex(0)

    init(limit: Int = defaultLimit, names: PostgresStatementNames = .shared) {
        self.limit = limit
        self.names = names
    }

    /// The statement's slot, or nil when it would need a new name past the budget.
    func slot(for key: PostgresStatementNames.Key) -> (any StatementSlot.Type)? {
        if let slot = names.currentSlot(for: key) { return slot }
        let granted = used.withLock { used in
            guard used < limit else { return false }
            used += 1
            return true
        }
        return granted ? names.slot(for: key) : nil
    }

    /// Retires the statement's name (see ``PostgresStatementNames/retire(_:slot:)``).
    func retire(_ key: PostgresStatementNames.Key, slot: any StatementSlot.Type) {
        names.retire(key, slot: slot.number)
    }
}

/// A type standing for one prepared statement's name (see ``PostgresStatementNames``).
protocol StatementSlot: Sendable {
    static var number: Int { get }
}

extension StatementSlot {
    static var next: any StatementSlot.Type { NextSlot<Self>.self }
}

enum FirstSlot: StatementSlot {
    static var number: Int { 1 }
}

enum NextSlot<Previous: StatementSlot>: StatementSlot {
    static var number: Int { Previous.number + 1 }
}

/// A serialised SQLKit statement that can run prepared: a plain SELECT, INSERT, UPDATE,
/// DELETE, VALUES or WITH statement whose binds are all NULL or values PostgresNIO encodes
/// itself (how PostgresKit sends them too), so that the prepared statement means exactly what
/// the unnamed one meant.
struct PreparableStatement: Sendable {
    let key: PostgresStatementNames.Key
    let binds: [any Encodable & Sendable]

    /// Longer texts (bulk inserts) run unnamed.
    static let maximumTextLength = 8_192

    /// The keywords a statement PostgreSQL can prepare starts with.
    static let preparableKeywords: Set<String> = ["select", "insert", "update", "delete", "values", "with"]

    init?(text: String, binds: [any Encodable & Sendable]) {
        guard text.utf8.count <= Self.maximumTextLength,
              let keyword = text.split(maxSplits: 1, whereSeparator: { $0.isWhitespace || $0 == "(" }).first,
              Self.preparableKeywords.contains(keyword.lowercased()) else { return nil }
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            guard let type = Self.parameterType(of: bind) else { return nil }
            types.append(type.rawValue)
        }
        self.key = .init(text: text, parameterTypes: types)
        self.binds = binds
    }

    /// The type a bind is sent with, as PostgresKit sends it for an unnamed statement: a value
    /// PostgresNIO encodes with its own type, a NULL with the type of what it would hold; nil
    /// for anything PostgresKit encodes another way (those statements run unnamed).
    static func parameterType(of value: any Encodable) -> PostgresDataType? {
        if let optional = value as? any NullableBind, optional.isNull { return type(of: optional).nullType }
        return (value as? any PostgresThrowingDynamicTypeEncodable)?.psqlType
    }

    /// The binds encoded as PostgresKit encodes them for an unnamed statement.
    func bindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            if let optional = bind as? any NullableBind, optional.isNull, let type = type(of: optional).nullType {
                bindings.append(PostgresData(type: type))
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                try bindings.append(value, context: .default)
            }
        }
        return bindings
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

    static var name: String { "parley_\(Slot.number)" }
    static var sql: String { PostgresStatementNames.shared.text(ofSlot: Slot.number) }

    let statement: PreparableStatement

    func makeBindings() throws -> PostgresBindings { try statement.bindings() }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
