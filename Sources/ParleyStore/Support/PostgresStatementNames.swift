import PostgresNIO
import Synchronization

/// The names under which SQL statement texts are prepared on PostgreSQL, one per text and
/// parameter types for the whole process.
///
/// PostgresNIO sends every SQLKit statement as an unnamed statement, which the server parses,
/// analyses and plans on every call; for the chat turn's short statements that cost about as
/// much server time as running them. PostgresNIO also prepares statements once per connection
/// and executes them by name (`PostgresPreparedStatement`), but it knows a statement by its
/// type's static `name` and `sql`. So each name is a type: slot *n* is the type
/// `NextSlot<…<FirstSlot>>` nested *n − 1* times (``StatementSlot``), made once and kept here,
/// and ``SlotStatement`` reads its name and text from here by its slot.
///
/// Read from event loops and from PostgresNIO's statement builders, so its state sits behind
/// a `Mutex` rather than in an actor.
final class PostgresStatementNames: Sendable {
    static let shared = PostgresStatementNames()

    /// A statement's text and its parameters' types as PostgresKit sends them: the same text
    /// bound with values of other types is another statement.
    struct Key: Hashable, Sendable {
        let text: String
        let parameterTypes: [UInt32]
    }

    private struct State {
        var numbers: [Key: Int] = [:]
        /// Index *n − 1* holds slot *n*'s text and type; a retired text keeps its slot.
        var texts: [String] = []
        var slots: [any StatementSlot.Type] = []
        var numbersOfSlots: [ObjectIdentifier: Int] = [:]
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
            state.numbersOfSlots[ObjectIdentifier(slot)] = state.slots.count
            return slot
        }
    }

    /// The name and text of a slot given here (no other code makes slots).
    func statement(of slot: any StatementSlot.Type) -> (name: String, text: String) {
        state.withLock { state in
            guard let number = state.numbersOfSlots[ObjectIdentifier(slot)] else {
                preconditionFailure("statement slots are only made by PostgresStatementNames")
            }
            return ("parley_\(number)", state.texts[number - 1])
        }
    }

    /// Gives the statement a new slot on its next use, unless another caller did already. A
    /// connection that failed to prepare a name keeps that failure for the name (PostgresNIO
    /// does not prepare it again), so a statement that failed for a reason that can pass (a
    /// table created later, a name the server forgot) must not keep its name.
    fileprivate func retire(_ key: Key, slot: any StatementSlot.Type) {
        state.withLock { state in
            if let number = state.numbers[key], state.numbersOfSlots[ObjectIdentifier(slot)] == number { state.numbers[key] = nil }
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
        names.retire(key, slot: slot)
    }
}

/// A type standing for one prepared statement's name (see ``PostgresStatementNames``).
protocol StatementSlot: Sendable {}

extension StatementSlot {
    static var next: any StatementSlot.Type { NextSlot<Self>.self }
}

enum FirstSlot: StatementSlot {}

enum NextSlot<Previous: StatementSlot>: StatementSlot {}
