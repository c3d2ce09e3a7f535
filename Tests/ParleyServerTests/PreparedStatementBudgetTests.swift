@testable import ParleyStore
import Testing

/// Each database may give a bounded number of new statement names; past it statements run
/// unnamed. Names are the process's: one a statement already has costs a budget nothing.
@Suite("Prepared statement budget")
struct PreparedStatementBudgetTests {
    func key(_ number: Int) -> PostgresStatementNames.Key {
        PostgresStatementNames.Key(text: "SELECT \(number)", parameterTypes: [])
    }

    func id(_ slot: (any StatementSlot.Type)?) -> ObjectIdentifier? {
        slot.map { ObjectIdentifier($0) }
    }

    @Test func pastItsBudgetAStatementRunsUnnamed() throws {
        let names = PostgresStatementNames()
        let budget = PreparedStatementBudget(limit: 2, names: names)
        let first = try #require(budget.slot(for: key(0)))
        let second = try #require(budget.slot(for: key(1)))
        #expect(id(first) != id(second))
        #expect(budget.slot(for: key(2)) == nil, "a third name is past the budget")
        #expect(id(budget.slot(for: key(0))) == id(first), "a statement keeps its name")
        #expect(names.statement(of: first) == (name: "parley_1", text: "SELECT 0"))
        #expect(names.statement(of: second) == (name: "parley_2", text: "SELECT 1"))

        budget.retire(key(0), slot: first)
        #expect(budget.slot(for: key(0)) == nil, "a retired statement's new name counts too")

        let other = PreparedStatementBudget(limit: 1, names: names)
        #expect(id(other.slot(for: key(1))) == id(second), "a name the process has costs nothing")
        let third = try #require(other.slot(for: key(2)))
        #expect(names.statement(of: third) == (name: "parley_3", text: "SELECT 2"))
        #expect(other.slot(for: key(3)) == nil)
    }
}
